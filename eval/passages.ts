// Long, paste-like passages for eval/router-set.json, composed from hand-written sentence templates
// with a seeded PRNG, so the set is reproducible and long items cost nothing to keep. Every passage
// that a question depends on has its facts planted at fixed, known places (see `plant`).

export type Rng = () => number;

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: Rng, xs: readonly T[]): T {
  const x = xs[Math.floor(r() * xs.length)];
  if (x === undefined) throw new Error('pick from an empty list');
  return x;
}

const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const COMMON: Record<string, readonly string[]> = {
  city: ['Leeds', 'Porto', 'Tucson', 'Gdańsk', 'Halifax', 'Lyon', 'Bergen', 'Pune', 'Rosario', 'Adelaide', 'Graz', 'Savannah'],
  person: ['Dr. Amara Okafor', 'Jonas Lindqvist', 'Mei-Ling Chou', 'Rafael Ortega', 'Sinead Byrne', 'Tomasz Wilk', 'Priyanka Rao', 'Hannah Feld'],
  org: ['the regional council', 'a local cooperative', 'the university extension office', 'a volunteer network', 'the city parks department', 'an independent research group'],
  season: ['spring', 'early summer', 'late summer', 'autumn', 'winter'],
};

/** Replaces {slot} with a pick from `slots` or COMMON; {n}, {pct}, {year} are numbers. */
export function fill(r: Rng, template: string, slots: Record<string, readonly string[]> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key === 'n') return String(int(r, 3, 240));
    if (key === 'pct') return String(int(r, 4, 61));
    if (key === 'year') return String(int(r, 2009, 2024));
    const list = slots[key] ?? COMMON[key];
    if (!list) throw new Error(`no slot ${key}`);
    return pick(r, list);
  });
}

function shuffled<T>(r: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Blocks from `next()` until the text reaches about `tokens` tokens (≈4 characters each). */
function grow(tokens: number, next: (i: number) => string, sep = '\n\n', overhead = 0): string[] {
  const blocks: string[] = [];
  let chars = 0;
  for (let i = 0; chars < tokens * 4; i++) {
    const b = next(i);
    blocks.push(b);
    chars += b.length + sep.length + overhead;
  }
  return blocks;
}

/** Inserts planted blocks at fractional positions (0..1) of a list of blocks. */
function plant(blocks: string[], planted: ReadonlyArray<readonly [number, string]>): string[] {
  const out = [...blocks];
  for (const [at, text] of [...planted].sort((a, b) => b[0] - a[0])) {
    out.splice(Math.min(out.length, Math.round(at * blocks.length)), 0, text);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Feature articles. Survey pieces are organised by place ({place} is fixed within a section, so
// numbers differ between sections rather than contradict each other); others by theme.

interface Topic {
  title: string;
  intro: string;
  /** `place`: one section per place from `places`; `theme`: sections headed by `headings`. */
  sections: 'place' | 'theme';
  places: readonly string[];
  headings: readonly string[];
  sentences: readonly string[];
  slots: Record<string, readonly string[]>;
}

const SURVEY_CITIES = ['Leeds', 'Porto', 'Tucson', 'Gdańsk', 'Halifax', 'Lyon', 'Bergen', 'Pune', 'Rosario', 'Adelaide', 'Graz', 'Savannah', 'Ljubljana', 'Malmö', 'Cork', 'Valencia', 'Kraków', 'Dunedin', 'Bologna', 'Tampere', 'Winnipeg', 'Cluj-Napoca', 'Aarhus', 'Brno'];

export const TOPICS = {
  beekeeping: {
    title: 'Rooftop Hives and the New Urban Beekeepers',
    intro:
      'Ten years ago, a beehive on a city roof was a curiosity. Today, hobbyists, restaurants and office landlords keep thousands of colonies above streets and car parks. We visited keepers, inspectors and researchers in cities across Europe and beyond to find out what the boom means for the bees, for the neighbours, and for the wild pollinators that were there first.',
    sections: 'place',
    places: SURVEY_CITIES,
    headings: [],
    slots: {
      plant: ['linden trees', 'clover in untreated lawns', 'ornamental cherries', 'railway-embankment bramble', 'community-garden herbs', 'street-planted maples', 'ivy on old walls'],
      problem: ['varroa mites', 'a wet spring', 'swarming', 'queen failure', 'wax moth', 'a shortage of late-season forage'],
      keeper: ['a retired bus driver', 'a pair of architecture students', 'a café owner', 'a secondary-school biology teacher', 'a night-shift nurse', 'a hotel maintenance manager', 'a software tester'],
      hives: ['40', '65', '120', '180', '240', '310', '500'],
      jars: ['15', '20', '25', '30', '40'],
      complaints: ['6', '11', '19', '27', '42'],
    },
    sentences: [
      'In {place}, {org} counted {hives} registered hives on rooftops and balconies by the end of {year}.',
      'Most of those colonies are kept by hobbyists such as {keeper}, who started with a single box and a borrowed veil.',
      '{person}, who has surveyed urban apiaries for a decade, says the biggest misconception is that bees in cities go hungry.',
      'In practice, {plant} can carry a colony through {season} better than many farm landscapes dominated by one crop.',
      'The trouble starts when too many hives share the same few streets, and {pct} percent of keepers surveyed in {place} reported weaker colonies as density rose.',
      'Keepers here lost roughly {pct} percent of their colonies last winter, most of them to {problem}.',
      'A typical rooftop colony needs shelter from wind, a water source within a few hundred metres and an inspection every week or two in {season}.',
      'Insurance and building permission, several keepers told us, are the paperwork nobody mentions at the introductory course.',
      'As {keeper} put it: the bees are easy, the landlord is hard.',
      'Complaints from neighbours are rarer than expected; {org} logged {complaints} over three years, most of them about swarms settling on cars.',
      'Honey from hives in {place} often tastes of {plant}, and a few restaurants list the postcode of their honey on the menu.',
      'The economics are modest: a productive hive might yield {jars} jars in a good year, which rarely covers equipment, sugar feed and treatments.',
      'Researchers caution that honeybees compete with wild pollinators, and that planting flowers does more for biodiversity than adding hives.',
      'That argument has persuaded {org} to pause new permits until a forage survey is finished.',
      'Training matters more than enthusiasm; mentored beginners lost far fewer colonies to {problem} than those who learned from videos alone.',
      'On a warm afternoon in {season}, a strong colony can send out tens of thousands of foragers, most of whom never fly more than two kilometres.',
      'Some keepers have switched to calmer strains after a season of defensive bees made rooftop inspections unpleasant.',
      'Schools have started using observation hives, and teachers report that pupils who were afraid of bees ask the most questions.',
      'The first harvest is usually taken in {season}, once the frames are capped and the colony has stores of its own.',
      'Sugar syrup is a stopgap, not a diet, and experienced keepers watch stores closely before cold weather sets in.',
      'A local association runs a swarm hotline, and volunteers collected {complaints} swarms from bus shelters, balconies and one bicycle last year.',
      'Landlords are warming to the idea: several office buildings in {place} now advertise their hives in lettings brochures.',
      'Wild bee counts, where anyone has measured them, are the number researchers would most like to see alongside the hive registry.',
    ],
  },
  transit: {
    title: 'Redrawing the Bus Map: How Mid-Sized Cities Are Overhauling Their Networks',
    intro:
      'Across a dozen mid-sized cities, transport agencies have torn up bus maps that had grown route by route for half a century and started again from a blank sheet. The idea is simple — fewer, straighter, more frequent lines — and the politics are anything but. We looked at what changed, who gained, and who lost out, a year or more after each redesign.',
    sections: 'place',
    places: SURVEY_CITIES,
    headings: [],
    slots: {
      route: ['the 12', 'the 40 crosstown', 'the airport express', 'the 7 night bus', 'the riverside loop', 'the 21 hospital line'],
      group: ['older riders', 'shift workers', 'students', 'wheelchair users', 'parents with buggies', 'commuters from the outer suburbs'],
      change: ['stops were consolidated', 'routes were straightened', 'Sunday service was extended', 'transfers became free within 60 minutes', 'all-door boarding was introduced'],
      routes: ['18', '26', '34', '41', '57'],
      seconds: ['40', '75', '90', '140', '200'],
      riders: ['600', '1,100', '1,800', '2,400', '3,000'],
    },
    sentences: [
      'Before the redesign, {place} ran {routes} bus routes, many of them looping through residential streets to stay within a short walk of every door.',
      'Planners argued that frequency, not coverage, is what makes people leave the car at home.',
      'Under the new map, {route} runs every ten minutes for most of the day instead of every half hour.',
      'The trade-off was that {change}, which meant a longer walk for some riders.',
      '{person}, who chaired the public consultation in {place}, said the hardest meetings were with {group}.',
      'Ridership on the core corridors rose {pct} percent in the first year, while two peripheral routes lost nearly a third of their passengers.',
      'Operating costs stayed roughly flat because the agency reallocated hours rather than adding them.',
      'The agency says average journey times fell by {seconds} seconds, a figure critics call too small to notice.',
      '{group} were most likely to say the network had become harder to use, according to a survey of {riders} riders.',
      'Bus priority lanes on two avenues did more for reliability than any timetable change.',
      'Drivers were retrained over {season}, and the union negotiated new rest breaks at the redesigned terminals.',
      'Complaints peaked in the first month, then fell below the level recorded before the change.',
      'A demand-responsive minibus now covers the streets {route} used to serve, though it must be booked an hour ahead.',
      'The council has promised a full review in {year}, with published data on every route.',
      'Transit researchers point out that most networks built in the twentieth century were never redesigned as the city around them changed.',
      'The redesign cost little in capital terms; the expensive part was the public information campaign.',
      'Some riders discovered trips that had been impossible before, such as a direct crosstown ride that avoids the centre.',
      'Others found that a transfer, even a free one, feels like a penalty when the connecting bus is late.',
      'Night service became simpler to explain, with four lines meeting at one central stop every half hour.',
      'Fare revenue rose less than ridership because many of the new trips were transfers.',
      'Local businesses on the straightened corridors reported more walk-in customers, though nobody has yet separated that from the wider recovery.',
    ],
  },
  coffee: {
    title: 'From Farm Gate to Flat White: Where the Money in Coffee Goes',
    intro:
      'A cup of coffee passes through more hands than almost anything else we buy every day: a farmer, a cooperative, an exporter, a shipping line, an importer, a roaster and a café. We followed the money along that chain, and asked the people at each step what has changed in the last few years.',
    sections: 'theme',
    places: [],
    headings: ['The farm', 'Cooperatives and exporters', 'Shipping and roasting', 'The café', 'Climate pressure', 'Certification', 'What buyers can do', 'The next generation'],
    slots: {
      country: ['Ethiopia', 'Colombia', 'Honduras', 'Vietnam', 'Peru', 'Rwanda', 'Guatemala', 'Kenya'],
      actor: ['a smallholder with two hectares', 'a cooperative manager', 'a green-coffee trader', 'a specialty roaster', 'a café owner', 'a shipping broker'],
      cost: ['fertiliser', 'labour at harvest', 'container freight', 'rent', 'milk', 'certification fees'],
    },
    sentences: [
      'A farmer in {country} might receive a small fraction of the price of a cup, depending on how the beans are sold.',
      'In {country}, {actor} told us that {cost} had become the line item that keeps them up at night.',
      'Cooperatives pool harvests so that members can reach buyers who would never deal with a single small farm.',
      'In {year}, prices on the futures market swung by {pct} percent within a few months, and farm-gate prices followed with a lag.',
      'Specialty buyers often pay a premium above the market price, but the volumes involved are small.',
      'Roasting adds weight loss, labour and packaging, and roasters say their margin is thinner than customers assume.',
      'Most of the price of a café drink goes to staff, premises and {cost} rather than to the beans.',
      '{person}, an agronomist who has worked in {country} for years, says rising temperatures are pushing coffee uphill.',
      'Farmers in {country} who planted shade trees reported more stable yields during the dry season of {year}.',
      'Certification schemes promise fairer prices, though studies disagree about how much of the premium reaches farmers.',
      'A standard container holds around three hundred bags of green coffee, and the cost of shipping one has become far less predictable.',
      'Direct trade relationships can last for years, with roasters visiting farms each harvest.',
      'Quality grading happens several times: at the cooperative, at export, and again when a roaster cups a sample.',
      'Young people in coffee regions are leaving for cities, and {actor} worries about who will pick the harvest in ten years.',
      'Some cafés now print the farm and the price paid on the bag, a practice that began with a handful of roasters.',
      'Consumers say they would pay more for traceable coffee, but sales data tell a more cautious story.',
      'Washing stations need clean water, and the wastewater they produce is a local environmental problem.',
      'Buyers who commit to volumes before harvest give farmers something close to a guaranteed income.',
      'Price volatility hurts the smallest producers most, because they have no reserves to wait for a better offer.',
      'In {country}, a new road cut the time to the nearest washing station from a day to two hours, and {actor} says it changed what the farm can sell.',
      'Exporters finance much of the harvest in advance, which gives them leverage over price that farmers rarely have.',
      'Decaffeination, flavour trends and plant-based milks have all shifted what cafés buy, though rarely in ways farmers hear about.',
    ],
  },
} satisfies Record<string, Topic>;

/** Draws from `xs` without repetition until all have been used, then reshuffles. */
function deck<T>(r: Rng, xs: readonly T[]): () => T {
  let cur: T[] = [];
  return () => {
    if (cur.length === 0) cur = shuffled(r, xs);
    return cur.pop() as T;
  };
}

export function article(topic: Topic, tokens: number, seed: number, planted: ReadonlyArray<readonly [number, string]> = []): string {
  const r = rng(seed);
  const sentence = deck(r, topic.sentences);
  const places = deck(r, topic.places);
  let place = '';
  let heading = 0;
  const blocks = grow(tokens - topic.intro.length / 4, (i) => {
    const slots = { ...topic.slots, place: [place] };
    let prefix = '';
    if (i % 3 === 0) {
      if (topic.sections === 'place') {
        place = places();
        slots.place = [place];
        prefix = `${place}\n\n`;
      } else {
        prefix = `${topic.headings[heading++ % topic.headings.length]}\n\n`;
      }
    }
    return prefix + Array.from({ length: int(r, 4, 6) }, () => fill(r, sentence(), slots)).join(' ');
  });
  return `${topic.title}\n\n${topic.intro}\n\n${plant(blocks, planted).join('\n\n')}`;
}

// ---------------------------------------------------------------------------------------------
// Meeting transcripts: chatter drawn without repetition, plus status updates from a small grammar.

const MEETING_LINES = [
  'Can everyone hear me? I think my mic was muted for the first minute.',
  'I looked at the numbers from last week and signups are up about {pct} percent, though part of that is the newsletter.',
  'My worry with {workstream} is that we keep adding scope without moving the date.',
  'I can take that as an action, but I will need someone from {team} to review it.',
  'Let’s not go down that rabbit hole now; can we park it for the end?',
  'The customer call on Tuesday went fine. They mostly asked about onboarding and pricing tiers.',
  'We had {n} support tickets about the export feature this week, which is more than usual.',
  'I would rather ship a smaller version on time than the full thing late.',
  'Did legal ever come back on the data retention question?',
  'From the {team} side, nothing blocking, just the usual backlog.',
  'I shared a doc in the channel with the options; comments welcome before Thursday.',
  'Sorry, someone is at the door, back in a second.',
  'If we move anything, marketing needs to know at least two weeks ahead.',
  'I agree with that, mostly. My only concern is the training material.',
  'Can we make sure the notes go out today this time?',
  'The dashboard was down for about an hour yesterday; it was a certificate issue and it is fixed.',
  'Hiring update: two candidates in the final round for the {team} role.',
  'I think we are overthinking the naming. Users will not read it anyway.',
  'Let me check with finance and get back to you.',
  'We still need an owner for the translation work.',
  'OK, I think that covers it from my side.',
  'Sorry, you froze for a second there, can you repeat the last bit?',
  'Is that the same issue we saw in the spring, or something new?',
  'Fair point. Let’s see what the data says before we decide.',
  'Does anyone actually use that report? I have never opened it.',
  'Just to build on what was said: the support team would love an FAQ before any of this goes out.',
  'I will be out on Friday, so ping me before then if you need anything.',
  'Can we get a rough estimate, even a t-shirt size?',
  'The new joiner in {team} starts Monday, so please be nice to them.',
  'We are going in circles a bit. What would it take to close this today?',
  'Yes.',
  'No objections from me.',
  'Good question, I don’t know. I’ll find out.',
  'Sounds good.',
  'Honestly I have not had time to look at it yet, sorry.',
];
const STATUS_OPENERS = ['Quick update on', 'On', 'Re', 'Following up on', 'Status for', 'Small thing about'];
const STATUS = [
  'the first milestone is done, the second one slips a few days.',
  'no news since last week.',
  'we found two more edge cases, nothing dramatic.',
  'QA starts once the build is stable.',
  'we are blocked on the vendor contract.',
  'the estimate went up; I will share the numbers offline.',
  'the pilot users are mostly happy, one complaint about speed.',
  'roughly on track, but the vendor still has not sent the revised quote.',
  'the test environment is shared with another team, so bookings matter.',
  'we need a decision on scope before we can plan the next sprint.',
  'the design review went well; a few copy changes.',
];

export interface TranscriptOptions {
  speakers: readonly string[];
  planted: ReadonlyArray<readonly [number, string]>;
}

export function transcript(tokens: number, seed: number, opts: TranscriptOptions): string {
  const r = rng(seed);
  const slots = {
    workstream: ['the billing migration', 'the mobile release', 'the partner portal', 'the onboarding redesign', 'the data warehouse move'],
    team: ['design', 'platform', 'support', 'sales', 'data'],
  };
  const chatter = deck(r, MEETING_LINES);
  const status = deck(r, STATUS);
  let last = '';
  const body = grow(
    tokens,
    () => {
      let who = pick(r, opts.speakers);
      if (who === last) who = pick(r, opts.speakers);
      last = who;
      const line = r() < 0.25 ? `${pick(r, STATUS_OPENERS)} ${pick(r, slots.workstream)}: ${status()}` : fill(r, chatter(), slots);
      return `${who}: ${line}`;
    },
    '\n',
    11,
  );
  const lines = plant(body, opts.planted);
  let seconds = 35;
  return lines
    .map((l) => {
      seconds += int(r, 8, 70);
      const ts = `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
      return `[${ts}] ${l}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Policy documents (handbooks, procedures): numbered sections of policy prose — boilerplate drawn
// without repetition plus sentences from a small grammar — with planted facts.

const POLICY_SENTENCES = [
  'Employees are expected to familiarise themselves with this section and to raise questions with their manager.',
  'Exceptions may be granted by the department head in consultation with People Operations.',
  'This section applies to all permanent staff; contractors should refer to their agreement.',
  'Managers are responsible for ensuring that the policy is applied consistently within their teams.',
  'Where local law provides a more generous entitlement, local law prevails.',
  'The company reviews this policy annually and may amend it with reasonable notice.',
  'Any concerns about the application of this policy can be raised confidentially.',
  'Part-time employees receive the entitlements described here on a pro-rata basis.',
  'Failure to follow the procedure may delay processing but will not by itself lead to disciplinary action.',
  'Staff working from the {city} office should also consult the site-specific annex.',
  'The relevant forms are available on the intranet under “Policies and Guidance”.',
  'Approval is normally confirmed in writing within five working days.',
];
const POLICY_ACTORS = ['Employees', 'Line managers', 'People Operations', 'Team leads', 'New starters', 'Department heads', 'Contractors', 'Staff on fixed-term contracts'];
const POLICY_MODALS = ['must', 'should', 'may'];
const POLICY_ACTIONS = [
  'record the request in the HR portal',
  'agree the arrangement with the line manager in advance',
  'keep receipts for at least six months',
  'complete the relevant e-learning module',
  'notify People Operations of any change in circumstances',
  'review the arrangement at the next one-to-one',
  'raise concerns with the Employee Relations team',
  'confirm decisions in writing',
  'use the approved booking tool',
  'ensure that cover is arranged for critical duties',
  'report incidents without undue delay',
  'return company equipment in good condition',
  'keep personal data secure and up to date',
  'seek advice from the Legal team before making commitments on the company’s behalf',
  'escalate unresolved disagreements to the department head',
  'submit the standard form with supporting evidence',
  'obtain written approval from the budget holder',
  'take account of team workload when approving requests',
];
const POLICY_CONDITIONS = ['', ' where possible', ' before the start of the relevant period', ' unless local law requires otherwise', ' within ten working days', ' in line with the approval matrix', ' where the request affects other team members', ' as part of the annual review cycle', ' when requested by People Operations'];

export const HANDBOOK_SECTIONS = [
  'Introduction and Scope', 'Working Hours', 'Remote and Hybrid Work', 'Annual Leave', 'Sick Leave', 'Parental Leave',
  'Expenses and Travel', 'Equipment and IT Security', 'Health and Safety', 'Facilities', 'Learning and Development',
  'Performance Reviews', 'Conduct and Grievances', 'Data Protection', 'Leaving the Company', 'Contacts',
];

function policyParagraph(r: Rng, boiler: () => string): string {
  const out: string[] = [];
  const n = int(r, 3, 5);
  for (let i = 0; i < n; i++) {
    out.push(r() < 0.35 ? fill(r, boiler()) : `${pick(r, POLICY_ACTORS)} ${pick(r, POLICY_MODALS)} ${pick(r, POLICY_ACTIONS)}${pick(r, POLICY_CONDITIONS)}.`);
  }
  return out.join(' ');
}

export function policyDoc(title: string, sections: readonly string[], tokens: number, seed: number, planted: Record<string, string>): string {
  const r = rng(seed);
  const boiler = deck(r, POLICY_SENTENCES);
  const paras: string[][] = sections.map((name) => (planted[name] ? [planted[name]] : []));
  let chars = title.length + sections.reduce((n, x) => n + x.length + 6, 0) + Object.values(planted).reduce((n, x) => n + x.length + 8, 0);
  for (let i = 0; chars < tokens * 4; i++) {
    const p = policyParagraph(r, boiler);
    paras[i % sections.length]!.push(p);
    chars += p.length + 8;
  }
  const out: string[] = [title];
  sections.forEach((name, i) => {
    out.push(`${i + 1}. ${name}`);
    shuffled(r, paras[i]!).forEach((p, j) => out.push(`${i + 1}.${j + 1} ${p}`));
  });
  return out.join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Contracts: boilerplate clauses (each used once before any repeats) and obligations from a grammar.

const CLAUSES = [
  'The Supplier shall perform the Services with reasonable skill and care and in accordance with Good Industry Practice.',
  'The Customer shall provide the Supplier with such information and access as the Supplier reasonably requires to perform the Services.',
  'Each party shall keep the other party’s Confidential Information confidential and shall not disclose it except as permitted by this clause.',
  'Invoices are payable within thirty (30) days of receipt of a valid invoice.',
  'Neither party shall be liable for any indirect or consequential loss arising under or in connection with this Agreement.',
  'The Supplier shall maintain insurance cover appropriate to its obligations under this Agreement throughout the Term.',
  'Any notice given under this Agreement shall be in writing and delivered by hand, by pre-paid post or by email to the addresses set out above.',
  'No variation of this Agreement shall be effective unless it is in writing and signed by the parties or their authorised representatives.',
  'The Supplier may not subcontract any of its obligations without the prior written consent of the Customer, such consent not to be unreasonably withheld.',
  'All Intellectual Property Rights in the Deliverables shall vest in the Customer upon payment in full.',
  'Neither party shall be in breach of this Agreement if it is prevented from performing its obligations by a Force Majeure Event.',
  'This Agreement constitutes the entire agreement between the parties and supersedes all previous discussions and arrangements.',
  'If any provision of this Agreement is found to be invalid, the remaining provisions shall continue in full force and effect.',
  'The Supplier shall provide monthly reports on service levels in the format reasonably requested by the Customer.',
  'The Customer may audit the Supplier’s compliance with this Agreement on not less than twenty (20) Business Days’ written notice, no more than once in any Contract Year.',
  'A person who is not a party to this Agreement shall have no right to enforce any of its terms.',
  'This Agreement and any dispute arising out of it shall be governed by the law of England and Wales.',
  'Any dispute shall first be referred to the parties’ contract managers, and then to their respective directors, before either party commences proceedings.',
];
const CONTRACT_SUBJECTS = ['The Supplier', 'The Customer', 'Each party'];
const CONTRACT_OBLIGATIONS = [
  'notify the other party promptly of any matter likely to delay the Services',
  'keep complete and accurate records of the Services performed',
  'ensure that its personnel comply with the site rules notified to it',
  'co-operate in good faith with any third-party supplier appointed under this Agreement',
  'use reasonable endeavours to mitigate any loss',
  'appoint a contract manager with authority to make decisions on its behalf',
  'comply with the information security policy provided to it, as updated from time to time',
  'attend quarterly service review meetings',
  'maintain a business continuity plan and test it at least annually',
  'obtain all necessary consents, licences and permissions',
  'return all materials belonging to the other party on request',
  'not knowingly do anything that would cause the other party to breach any applicable law',
  'provide reasonable assistance in relation to any audit under this Agreement',
  'ensure that any subcontractor is bound by obligations equivalent to those in this clause',
  'give the other party reasonable access to relevant personnel',
];
const CONTRACT_CONDITIONS = ['', ' at its own cost', ' within ten (10) Business Days of a written request', ' to the extent reasonably practicable', ' in accordance with the Service Levels', ' save as otherwise agreed in writing', ' throughout the Term and for twelve (12) months thereafter'];

export const CONTRACT_HEADINGS = [
  'Definitions', 'Commencement and Term', 'Services', 'Customer Obligations', 'Charges and Payment', 'Confidentiality',
  'Intellectual Property', 'Data Protection', 'Limitation of Liability', 'Insurance', 'Termination', 'Force Majeure', 'General',
];

export function contract(tokens: number, seed: number, planted: Record<string, string>): string {
  const r = rng(seed);
  const head = 'MASTER SERVICES AGREEMENT\n\nThis Agreement is made between Northwind Facilities Ltd (the “Supplier”) and Halden Logistics plc (the “Customer”).';
  const boiler = deck(r, CLAUSES);
  const clauses: string[][] = CONTRACT_HEADINGS.map((h) => (planted[h] ? [planted[h]] : []));
  let chars = head.length + CONTRACT_HEADINGS.reduce((n, h) => n + h.length + 6, 0) + Object.values(planted).reduce((n, p) => n + p.length + 8, 0);
  for (let i = 0; chars < tokens * 4; i++) {
    const c = r() < 0.3 ? boiler() : `${pick(r, CONTRACT_SUBJECTS)} shall ${pick(r, CONTRACT_OBLIGATIONS)}${pick(r, CONTRACT_CONDITIONS)}.`;
    clauses[i % CONTRACT_HEADINGS.length]!.push(c);
    chars += c.length + 8;
  }
  const out = [head];
  CONTRACT_HEADINGS.forEach((h, i) => {
    out.push(`${i + 1}. ${h.toUpperCase()}`);
    shuffled(r, clauses[i]!).forEach((c, j) => out.push(`${i + 1}.${j + 1} ${c}`));
  });
  return out.join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Server logs.

export function serverLogs(tokens: number, seed: number, planted: ReadonlyArray<readonly [number, string]>, start = Date.UTC(2024, 4, 14, 1, 50)): string {
  const r = rng(seed);
  const paths = ['/v1/orders', '/v1/orders/{id}', '/v1/cart', '/v1/session', '/v1/products', '/v1/payments/intent', '/healthz'];
  const services = ['api-gw', 'orders-svc', 'cart-svc', 'auth-svc', 'catalog-svc'];
  const lines = grow(
    tokens,
    () => {
      const svc = pick(r, services);
      const roll = r();
      if (roll < 0.8) return `${svc} INFO request_id=${int(r, 100000, 999999)} method=${r() < 0.7 ? 'GET' : 'POST'} path=${pick(r, paths)} status=200 latency_ms=${int(r, 8, 140)}`;
      if (roll < 0.9) return `${svc} DEBUG cache hit ratio=${(0.7 + r() * 0.25).toFixed(2)} keys=${int(r, 1000, 9000)}`;
      if (roll < 0.97) return `${svc} INFO pool stats active=${int(r, 2, 14)} idle=${int(r, 2, 20)} waiting=0`;
      return `${svc} WARN slow request path=${pick(r, paths)} latency_ms=${int(r, 600, 1400)}`;
    },
    '\n',
    25,
  );
  const all = plant(lines, planted);
  let t = start;
  return all
    .map((l) => {
      t += int(r, 40, 900);
      return `${new Date(t).toISOString()} ${l}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Product reviews.

const REVIEW_GOOD = [
  'Arrived quickly and was well packed.',
  'Sound quality is great for the price, honestly better than my old pair.',
  'Comfortable for long calls.',
  'Pairing with my laptop was painless.',
  'Customer service replaced my unit without any fuss.',
  'Would buy again for the gym.',
  'Good value overall, just manage your expectations.',
  'Bought these as a gift for my {relative}, who loves them.',
  'I get a good {hours} hours on a charge with ANC off.',
  'Firmware update fixed the audio lag I had with videos.',
  'Looks much nicer in person than in the photos.',
  'Noise cancelling is decent on the train.',
  'Had to return the first pair because of a crackling noise; the replacement is perfect.',
];
const REVIEW_BAD = [
  'The battery barely lasts {hours} hours now, which is a lot less than advertised.',
  'They get warm after a while.',
  'The app is clunky and kept asking me to log in again.',
  'Pairing with my phone took three tries.',
  'The case feels cheap and the hinge started squeaking after a month.',
  'Bass is a bit muddy out of the box.',
  'Microphone is fine indoors, people said I sounded distant outside.',
  'Charging from empty takes about {hours} hours, which feels slow.',
  'They fall out of my ears when I run, so I returned them.',
  'Touch controls are too sensitive; I keep pausing music by accident.',
  'Left earbud stopped charging after {weeks} weeks.',
  'Connection drops every time I put my phone in my back pocket.',
  'Not worth full price, fine on sale.',
];

export function reviews(count: number, seed: number): string {
  const r = rng(seed);
  const names = ['Kat R.', 'D. Mensah', 'lukas_b', 'Ines', 'Mo', 'J. Park', 'anon', 'Beatriz', 'Tariq', 'S. Novak', 'Greg', 'Ola', 'Hiro', 'Amelia W.', 'pete77', 'Chiara', 'N. Dubois', 'Femi', 'Rosa', 'T. Kowalski'];
  const good = deck(r, REVIEW_GOOD);
  const bad = deck(r, REVIEW_BAD);
  const slots = { hours: ['3', '4', '5', '6', '7'], weeks: ['two', 'three', 'six'], relative: ['dad', 'sister', 'son', 'partner'] };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const stars = int(r, 1, 5);
    const text = Array.from({ length: int(r, 1, 4) }, () => fill(r, r() < (stars - 1) / 4 ? good() : bad(), slots)).join(' ');
    out.push(`★${stars}/5 — ${pick(r, names)}, verified purchase\n${text}`);
  }
  return out.join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// A TypeScript service: CRUD handlers for many entities, one of them with a planted bug.

const ENTITIES = ['user', 'order', 'invoice', 'product', 'shipment', 'warehouse', 'supplier', 'coupon', 'review', 'refund', 'address', 'payment'];

function handlerModule(entity: string, buggyOffset: boolean): string {
  const Name = entity[0]!.toUpperCase() + entity.slice(1);
  const table = `${entity}s`;
  const offset = buggyOffset ? 'page * pageSize' : '(page - 1) * pageSize';
  return `// src/handlers/${table}.ts
import { db } from '../db';
import { requireAuth, requireRole } from '../auth';
import { parsePaging, notFound, badRequest } from '../http';
import type { ${Name}, ${Name}Input } from '../types';

export async function list${Name}s(req: Request): Promise<Response> {
  const user = await requireAuth(req);
  const { page, pageSize } = parsePaging(new URL(req.url).searchParams);
  const rows = await db.query<${Name}>(
    'SELECT * FROM ${table} WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3',
    [user.tenantId, pageSize, ${offset}],
  );
  const total = await db.count('${table}', { tenant_id: user.tenantId });
  return Response.json({ data: rows, page, pageSize, total });
}

export async function get${Name}(req: Request, id: string): Promise<Response> {
  const user = await requireAuth(req);
  const row = await db.one<${Name}>('SELECT * FROM ${table} WHERE tenant_id = $1 AND id = $2', [user.tenantId, id]);
  return row ? Response.json(row) : notFound('${entity}', id);
}

export async function create${Name}(req: Request): Promise<Response> {
  const user = await requireRole(req, 'editor');
  const input = (await req.json()) as ${Name}Input;
  const problems = validate${Name}(input);
  if (problems.length > 0) return badRequest(problems);
  const row = await db.insert<${Name}>('${table}', { ...input, tenant_id: user.tenantId, created_by: user.id });
  return Response.json(row, { status: 201 });
}

function validate${Name}(input: ${Name}Input): string[] {
  const problems: string[] = [];
  if (!input || typeof input !== 'object') return ['body must be an object'];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) problems.push(\`\${key} is required\`);
  }
  return problems;
}
`;
}

export function codebase(buggy: string): string {
  const http = `// src/http.ts
export function parsePaging(params: URLSearchParams): { page: number; pageSize: number } {
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const pageSize = Math.min(100, Math.max(1, Number(params.get('pageSize') ?? '20') || 20));
  return { page, pageSize };
}

export const notFound = (kind: string, id: string) => Response.json({ error: \`\${kind} \${id} not found\` }, { status: 404 });
export const badRequest = (problems: string[]) => Response.json({ error: 'invalid request', problems }, { status: 400 });
`;
  return [http, ...ENTITIES.map((e) => handlerModule(e, e === buggy))].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Company records: weekly newsletter issues with a directory, a project portfolio and budget
// updates in between, for multi-hop questions.

export interface Person { name: string; joined: string; team: string }
export interface Project { name: string; lead: string; budget: string; status: string }

const NEWS_ITEMS = [
  'The quarterly all-hands will be held in the main auditorium; remote staff can join via the usual link.',
  'Reminder: expense claims for the previous month must be submitted by the fifth working day.',
  'The {city} office will be closed for refurbishment for two weeks in {season}.',
  'Thanks to everyone who volunteered for the charity run; we raised more than last year.',
  'IT will roll out new laptops to the {team} team over the coming weeks.',
  'Please keep the shared calendar up to date so that room bookings do not clash.',
  'The mentoring programme is open for applications until the end of the month.',
  'Facilities reminds everyone that bicycles may not be stored in corridors.',
  'A new coffee machine has been installed on the third floor after many requests.',
  'The security team will run a phishing simulation sometime this quarter.',
  'Congratulations to the {team} team on shipping the new reporting dashboard.',
  'Lunch-and-learn this Thursday: a short introduction to accessibility testing.',
  'The staff survey closes on Friday; so far a little over half of you have responded.',
  'Parking permits for the {city} site are being reissued; collect yours from reception.',
  'The book club is reading a novel set in {city} this month; new members welcome.',
  'Please remember to lock your screen when you step away from your desk.',
  'Welcome to the three interns joining the {team} team for the summer.',
  'The wellbeing budget can now be used for gym memberships as well as courses.',
  'Heads-up: the VPN will be down for maintenance on Saturday night.',
  'A reminder that the quiet room on level two is for focused work, not calls.',
];

export function companyRecords(tokens: number, seed: number, people: readonly Person[], projects: readonly Project[], updates: readonly string[]): string {
  const r = rng(seed);
  const item = deck(r, NEWS_ITEMS);
  const slots = { team: ['finance', 'design', 'platform', 'sales', 'research'] };
  const directory = ['TEAM DIRECTORY (extract)', ...people.map((p) => `- ${p.name} — ${p.team}; joined ${p.joined}`)].join('\n');
  const portfolio = ['PROJECT PORTFOLIO', ...projects.map((p) => `- ${p.name}: lead ${p.lead}; approved budget ${p.budget}; status: ${p.status}`)].join('\n');
  const updateBlock = ['BUDGET AND STAFFING UPDATES', ...updates.map((u) => `- ${u}`)].join('\n');
  const issues = grow(tokens - (directory.length + portfolio.length + updateBlock.length) / 4, (i) => {
    const lines = Array.from({ length: int(r, 4, 7) }, () => `- ${fill(r, item(), slots)}`);
    return `NEWSLETTER — WEEK ${i + 2}\n${lines.join('\n')}`;
  });
  const third = Math.max(1, Math.floor(issues.length / 3));
  return [
    'INTERNAL NEWSLETTER — COMPILED NOTES',
    ...issues.slice(0, third),
    directory,
    ...issues.slice(third, 2 * third),
    portfolio,
    ...issues.slice(2 * third),
    updateBlock,
  ].join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Earnings call: prepared remarks, then analyst questions and answers from a small grammar.

const REMARKS = [
  'We continue to see healthy demand in our core markets, particularly in the mid-market segment.',
  'Gross margin benefited from lower freight costs and a better product mix.',
  'Our customer retention remains strong on a trailing twelve-month basis.',
  'Foreign exchange was a modest headwind this quarter.',
  'We are investing in the partner channel, which we see as a multi-year opportunity.',
  'Free cash flow was seasonally weaker, as expected, due to the timing of annual payments.',
  'The integration of the acquired analytics business is proceeding according to plan.',
  'Operating expenses grew more slowly than revenue, if you exclude one-off items.',
  'We see no material change in the competitive environment since our last call.',
  'Sales cycles have lengthened slightly for the largest deals, but win rates are stable.',
  'Our international business grew faster than North America for the third quarter in a row.',
  'We closed several seven-figure deals, including one with a global logistics company.',
  'The hardware line remains a small part of revenue and carries a lower margin.',
  'Customers are adopting the new AI features faster than we planned, though monetisation is early.',
  'We repurchased shares during the quarter under the existing authorisation.',
];
const ANALYST_OPENERS = ['Can you talk a bit more about', 'Could you give us more colour on', 'How should we think about', 'Any update on', 'I wanted to follow up on', 'Can you help us understand'];
const ANALYST_TOPICS = ['pricing in the mid-market', 'the partner channel', 'gross margin into next year', 'sales cycle lengths', 'the analytics integration', 'churn in the small-business segment', 'capital allocation', 'the hardware business', 'international expansion', 'monetisation of the AI features', 'seasonality in the fourth quarter', 'the competitive environment'];
const ANSWER_OPENERS = ['Sure.', 'Thanks for the question.', 'Good question.', 'Let me take that one.', 'Yes, happy to.', ''];
const ANSWER_CLOSERS = ['We will share more at the investor day.', 'We are not going to give guidance at that level of detail.', 'So we feel good about where we are.', 'It is early, but the signs are encouraging.', 'We are watching it closely.', ''];

export function earningsCall(tokens: number, seed: number, planted: ReadonlyArray<readonly [number, string]>): string {
  const r = rng(seed);
  const remark = deck(r, REMARKS);
  const topic = deck(r, ANALYST_TOPICS);
  const execs = ['CEO — Laura Brandt', 'CFO — Kenji Watanabe'];
  const analysts = ['Analyst — R. Silva, Morgan Pike', 'Analyst — E. Ahmed, Halvorsen & Co', 'Analyst — J. Okonkwo, Bayview Securities', 'Analyst — M. Laurent, Crestline'];
  const opening = [
    'Operator: Good day, and welcome to the third-quarter earnings conference call. All participants are in listen-only mode. After the prepared remarks there will be a question-and-answer session.',
    `CEO — Laura Brandt: Thank you, operator, and good morning everyone. ${remark()} ${remark()}`,
  ];
  const lines = grow(tokens, (i) => {
    if (i < 4) return `${pick(r, execs)}: ${remark()} ${remark()} ${remark()}`;
    if (i % 2 === 0) return `${pick(r, analysts)}: ${pick(r, ANALYST_OPENERS)} ${topic()}? And maybe a quick follow-up on ${topic()}.`;
    return `${pick(r, execs)}: ${`${pick(r, ANSWER_OPENERS)} ${remark()} ${remark()} ${pick(r, ANSWER_CLOSERS)}`.trim()}`;
  });
  return [...opening, ...plant(lines, planted), 'Operator: That concludes today’s call. Thank you for participating.'].join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// A technical specification: requirements from a grammar in which each action carries the
// requirement levels that make sense for it (so the spec never demands something absurd).

const SPEC_REQUIREMENTS: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['Clients', ['MUST NOT'], 'send a request body larger than the limit advertised by the server'],
  ['Servers', ['SHOULD'], 'respond with 429 when a client exceeds its allotted request rate'],
  ['Clients', ['MUST'], 'honour the Retry-After header when it is present'],
  ['Clients', ['MAY'], 'cache responses for the period indicated by the max-age directive'],
  ['Clients', ['MUST NOT'], 'infer meaning from the structure of identifiers, which are opaque strings'],
  ['Servers', ['SHOULD'], 'ignore an unsupported extension rather than fail the request'],
  ['Implementations', ['MUST'], 'express timestamps in UTC using the format defined in RFC 3339'],
  ['Clients', ['SHOULD'], 'use exponential backoff with jitter when retrying failed requests'],
  ['Servers', ['MUST'], 'include a request identifier in every error response'],
  ['Receivers', ['MUST'], 'ignore fields not defined in this specification'],
  ['Servers', ['MAY'], 'reject requests that omit the User-Agent header'],
  ['Clients', ['SHOULD NOT'], 'rely on the ordering of fields within an object'],
  ['Clients', ['MUST NOT'], 'send credentials in query parameters'],
  ['Clients', ['SHOULD'], 'compress request bodies larger than 64 KB'],
  ['Servers', ['MUST'], 'preserve the order of items in list responses between pages of the same cursor'],
  ['SDKs', ['SHOULD'], 'expose rate-limit headers to application code'],
  ['Clients', ['MUST'], 'percent-encode reserved characters in path segments'],
  ['Intermediaries', ['MUST NOT'], 'strip the Orbit-Request-Id header'],
  ['Clients', ['SHOULD', 'MAY'], 'reuse connections with HTTP keep-alive'],
  ['Servers', ['MUST'], 'reject an idempotency key reused with a different request body'],
  ['Clients', ['MUST'], 'treat unknown enum values as opaque rather than failing'],
  ['Servers', ['SHOULD'], 'return the most specific error code available'],
  ['Clients', ['MUST NOT'], 'retry a request that failed with 400 without changing it'],
];
const SPEC_CONDITIONS = ['', '', '', ', unless otherwise stated in the endpoint description', ' when operating in sandbox mode', ' for endpoints marked as beta', ' after a token refresh'];
const SPEC_NOTES = [
  'Pagination cursors are valid for at least ten minutes after they are issued.',
  'Deprecated fields continue to be returned for at least 180 days after the deprecation notice.',
  'An idempotency key is retained for 24 hours after the first request that used it.',
  'Error responses use the problem-details format, with an additional "code" member.',
  'This section is informative; the normative rules are given above.',
  'The examples in this section omit headers that are not relevant to the point being made.',
];

export function spec(tokens: number, seed: number, planted: ReadonlyArray<readonly [number, string]>): string {
  const r = rng(seed);
  const req = deck(r, SPEC_REQUIREMENTS);
  const note = deck(r, SPEC_NOTES);
  const headings = ['Conventions', 'Authentication', 'Requests', 'Responses', 'Errors', 'Rate limiting', 'Pagination', 'Idempotency', 'Versioning', 'Webhooks', 'Security considerations', 'Compatibility'];
  let h = 0;
  const blocks = grow(tokens, (i) => {
    const sentences = Array.from({ length: int(r, 3, 5) }, () => {
      if (r() < 0.15) return note();
      const [who, levels, what] = req();
      return `${who} ${pick(r, levels)} ${what}${pick(r, SPEC_CONDITIONS)}.`;
    });
    const para = sentences.join(' ');
    return i % 3 === 0 ? `${++h}. ${headings[(h - 1) % headings.length]}\n\n${para}` : para;
  });
  return `Orbit Public API — Protocol Specification, version 2.3 (draft)\n\nThe key words MUST, MUST NOT, SHOULD, SHOULD NOT and MAY are to be interpreted as described in RFC 2119.\n\n${plant(blocks, planted).join('\n\n')}`;
}

// ---------------------------------------------------------------------------------------------
// A long chat log (a team channel) with timestamps.

const CHAT_LINES = [
  'morning all',
  'did anyone else get the email about the parking permits?',
  'running ten minutes late, start without me',
  'lol yes',
  'can someone send me the link again',
  'the printer on 2 is jammed again',
  'who is bringing snacks on friday',
  'ok I’ll check and report back',
  'thanks!!',
  'has anyone seen my blue mug',
  'standup moved to 3, same room',
  'that’s hilarious',
  'anyone up for lunch at the thai place?',
  'can’t today, sorry',
  'I think it was in the kitchen',
  'is the wifi slow for everyone or just me',
  'brb',
  'back',
  'PR is up if anyone has a sec',
  'approved',
  'who broke the build 😅',
  'not me this time',
  'does anyone know if the 4th floor meeting room has a working HDMI',
  'it doesn’t, use the one in the corner',
  'happy birthday Lena!! 🎉',
  'thank youuu',
  'can we push the retro to tomorrow?',
  'fine by me',
  'reminder to fill in the timesheets',
  'coffee run, anyone want anything?',
  'flat white please',
  'same',
  'heading out, see you tomorrow',
];

export function chatLog(tokens: number, seed: number, people: readonly string[], planted: ReadonlyArray<readonly [number, string]>): string {
  const r = rng(seed);
  const line = deck(r, CHAT_LINES);
  const lines = grow(tokens, () => `${pick(r, people)}: ${line()}`, '\n', 8);
  let minute = 8 * 60 + 2;
  return plant(lines, planted)
    .map((l) => {
      minute += int(r, 0, 3);
      return `[${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}] ${l}`;
    })
    .join('\n');
}
