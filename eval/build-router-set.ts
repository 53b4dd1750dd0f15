// Writes eval/router-set.json: a hand-labelled set of chat requests for measuring the `auto` router.
//
//   node eval/build-router-set.ts            (Node 22.18+: type stripping is on by default)
//
// Each item says whether a small, cheap model (8B-class / gpt-4o-mini-class) would answer it
// acceptably (`small_ok`) and roughly how many tokens a good answer takes (`expected_output_tokens`).
// Labels are judgements about the task, made without looking at the router's rules; long passages
// come from eval/passages.ts (seeded, so the output is reproducible). Do not edit the JSON by hand.
import { writeFileSync } from 'node:fs';
import {
  HANDBOOK_SECTIONS,
  TOPICS,
  article,
  chatLog,
  codebase,
  companyRecords,
  contract,
  earningsCall,
  policyDoc,
  reviews,
  serverLogs,
  spec,
  transcript,
} from './passages.ts';
import { addMessy } from './messy-set.ts';

type Role = 'system' | 'user' | 'assistant' | 'tool';
interface Message {
  role: Role;
  content: string | null;
  tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}
interface Tool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}
interface Item {
  id: string;
  category: string;
  messages: Message[];
  max_tokens?: number;
  tools?: Tool[];
  response_format?: Record<string, unknown>;
  small_ok: boolean;
  expected_output_tokens: number;
  note?: string;
}
interface Extra {
  note?: string;
  max_tokens?: number;
  tools?: Tool[];
  response_format?: Record<string, unknown>;
  system?: string;
}

const items: Item[] = [];

function add(category: string, id: string, small_ok: boolean, out: number, prompt: string | Message[], extra: Extra = {}): void {
  const messages: Message[] = typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt;
  if (extra.system) messages.unshift({ role: 'system', content: extra.system });
  // Key order as in the brief: the request, then the label.
  items.push({
    id: `${category}/${id}`,
    category,
    messages,
    ...(extra.max_tokens !== undefined ? { max_tokens: extra.max_tokens } : {}),
    ...(extra.tools ? { tools: extra.tools } : {}),
    ...(extra.response_format ? { response_format: extra.response_format } : {}),
    small_ok,
    expected_output_tokens: out,
    ...(extra.note ? { note: extra.note } : {}),
  });
}

/** A conversation from alternating user/assistant turns, starting with the user. */
function convo(...turns: string[]): Message[] {
  return turns.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content }));
}

function tool(name: string, description: string, properties: Record<string, unknown>, required: string[] = Object.keys(properties)): Tool {
  return { type: 'function', function: { name, description, parameters: { type: 'object', properties, required } } };
}

function jsonSchema(name: string, schema: Record<string, unknown>): Record<string, unknown> {
  return { type: 'json_schema', json_schema: { name, strict: true, schema } };
}

const str = (description?: string) => (description ? { type: 'string', description } : { type: 'string' });
const num = (description?: string) => (description ? { type: 'number', description } : { type: 'number' });
const obj = (properties: Record<string, unknown>) => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });

const ASSISTANT = 'You are a helpful assistant.';
/** A longer product system prompt, as a support widget would send with every turn. */
const SUPPORT_SYSTEM = `You are Juno, the support assistant for Brightline Home, an online shop for kitchen and home goods.
Tone: friendly, concise, no more than three short paragraphs. Use the customer's first name if they give it.
You can help with: order status (ask for the order number), returns (30 days, unused, original packaging; free return label for orders over £40), delivery times (UK mainland 2–4 working days; Highlands and islands 4–7; no international shipping), product questions (answer only from the catalogue facts you are given), and account problems (password resets happen through the "Forgot password" link; you cannot see or change passwords).
Never promise refunds, compensation or delivery dates; say a colleague will confirm. Never ask for card details.
If the customer is upset, acknowledge it once, then move to what you can do. If you cannot help, offer the contact form at brightline.example/help, staffed Monday to Saturday, 8am to 6pm.
Do not discuss competitors, politics, or anything unrelated to shopping with Brightline beyond light small talk.`;

// =============================================================================================
// Short factual questions.
{
  const c = 'short-factual';
  add(c, 'capital-australia', true, 15, 'What is the capital of Australia?');
  add(c, 'bones', true, 20, 'How many bones are in the adult human body?');
  add(c, 'pride-prejudice', true, 15, 'Who wrote Pride and Prejudice?');
  add(c, 'boiling-f', true, 15, "What's the boiling point of water in Fahrenheit?", { max_tokens: 4096, note: 'client sends a default max_tokens of 4096 with everything' });
  add(c, 'berlin-wall', true, 20, 'When did the Berlin Wall fall?');
  add(c, 'http-acronym', true, 25, 'What does HTTP stand for?');
  add(c, 'potassium', true, 10, 'chemical symbol for potassium?');
  add(c, 'brazil-language', true, 12, 'What language do they speak in Brazil?');
  add(c, 'minutes-day', true, 20, 'How many minutes are in a day?');
  add(c, 'first-iphone', true, 20, 'What year did the first iPhone come out?');
  add(c, 'largest-ocean', true, 12, 'Which is the largest ocean?', { system: ASSISTANT });
  add(c, 'sistine', true, 20, 'Who painted the ceiling of the Sistine Chapel?');
  add(c, 'chicago-tz', true, 30, 'What time zone is Chicago in?');
  add(c, 'india-first-pm', true, 15, 'Who was the first prime minister of India?', { note: 'mentions "prime"; trivially small' });
  add(c, 'weather-climate', true, 45, "What's the difference between weather and climate? One sentence please.");
  add(c, 'speed-light', true, 25, 'Speed of light in km per second, roughly?');
  add(c, 'java-island', true, 25, 'Which country is the island of Java part of?', { note: 'mentions "Java" (the island)' });
  add(c, 'eu-return-window', true, 60, 'How long is the return window for online purchases under EU consumer law?', { note: 'mentions "return"; the 14-day withdrawal right is well known' });
  add(c, 'olympus-mons', true, 30, "What's the tallest mountain in the solar system?");
  add(c, 'roman-1994', true, 15, 'How do you write 1994 in Roman numerals?');
  add(c, 'strawberry-rs', false, 20, "How many times does the letter r appear in the word 'strawberry'?", { note: 'letter counting across tokens: small models often answer 2' });
  add(c, 'nobel-lit-1983', false, 25, 'Who won the Nobel Prize in Literature in 1983?', { note: 'long-tail fact (William Golding); small models hallucinate plausible laureates' });
  add(c, 'perey-element', false, 25, 'Which chemical element did Marguerite Perey discover?', { note: 'long-tail fact (francium); recall falls off sharply with model size' });
  add(c, 'funafuti-pop', false, 30, "Roughly how many people live in Funafuti, Tuvalu's capital?", { note: 'obscure number; small models confabulate' });
  add(c, 'einstein-second-nobel', false, 60, 'In what year did Einstein win his second Nobel Prize?', { note: 'false premise; small models tend to invent a year instead of correcting it' });
  add(c, 'feathers-steel', false, 50, 'Which is heavier, a kilogram of feathers or a pound of steel?', { note: 'riddle-shaped; small models pattern-match to "they weigh the same"' });
  add(c, 'treaty-westphalia-cities', false, 40, 'In which two cities was the Peace of Westphalia negotiated?', { note: 'mid-tail history (Osnabrück and Münster); small models often name one wrong city' });
}

// =============================================================================================
// Chit-chat.
{
  const c = 'chit-chat';
  add(c, 'hey', true, 25, "hey! how's it going?");
  add(c, 'thanks', true, 20, 'Thanks, that was really helpful 🙂');
  add(c, 'fun-fact', true, 60, 'Good morning! Give me a fun fact to start my day.');
  add(c, 'yoga-class', true, 50, "just got back from my yoga class and I'm wrecked lol", { note: 'mentions "class"' });
  add(c, 'cat-joke', true, 50, 'Tell me a joke about cats');
  add(c, 'let-me-know', true, 30, "Let me know if you're around later, I want to bounce some ideas off you", { note: 'starts with "Let"' });
  add(c, 'mondays', true, 70, 'Why is it so hard to get up on Mondays haha', { note: 'contains "why is"; banter, not reasoning' });
  add(c, 'apartment-design', true, 50, 'I love the design of my new apartment, it gets so much light in the mornings', { note: 'contains "design"' });
  add(c, 'recommend-book', true, 120, 'Can you recommend a good sci-fi book for a long flight? I liked Project Hail Mary.', { note: 'contains "recommend"' });
  add(c, 'cat-knocks', true, 120, 'My cat keeps knocking things off the table, why does she do that?', { note: 'contains "why does"' });
  add(c, 'fav-color', true, 30, "what's your favourite colour?");
  add(c, 'bored', true, 60, "I'm bored. Say something interesting.");
  add(c, 'weekend', true, 60, "Happy Friday!! Any plans for the weekend? (I know you're an AI, humour me)");
  add(c, 'meh-day', true, 100, "I'm feeling kind of down today, nothing specific, just meh.");
  add(c, 'birthday-msg', true, 60, 'Write me a short birthday message for my coworker Sam, something warm but not cheesy');
  add(c, 'burnt-coffee', true, 80, 'For some reason my coffee tastes burnt today — is that the beans or me?', { note: 'contains "reason"' });
  add(c, 'java-trip', true, 60, "We're going to Java next month!! So excited, never been to Indonesia", { note: 'mentions "Java"' });
  add(c, 'pizza-sushi', true, 50, "I can't decide between pizza or sushi tonight, help me choose 😅");
  add(c, 'nine-to-five', true, 40, 'counting down the minutes until my 9-5 is over for the week', { note: '"9-5" looks like arithmetic to a regex' });
  add(c, 'ai-at-2am', true, 50, "Is it weird to talk to an AI at 2am? lol", { max_tokens: 4096 });
  add(c, 'support-smalltalk', true, 50, "Hi Juno! No order problem today, just wanted to say the new mugs are lovely. Do you have a favourite?", { system: SUPPORT_SYSTEM });
  add(c, 'hi-default-max', true, 20, 'hi there', { max_tokens: 8192, note: 'huge max_tokens from a client default, trivial turn' });
  add(
    c,
    'long-casual-thread',
    true,
    25,
    convo(
      'hey',
      'Hey! How are you doing?',
      'pretty good, just made pancakes',
      'Nice! Pancakes are a great start to a day. Any toppings?',
      'blueberries and maple syrup',
      'Classic combo. Did you make the batter from scratch?',
      'yep, my grandma’s recipe',
      'That makes them even better. Family recipes are the best.',
      'she used to add a bit of nutmeg',
      'Nutmeg in pancakes is a lovely touch — warm and a bit festive.',
      'what are you up to today',
      'Just here chatting with you! What are your plans for the rest of the day?',
      'probably a walk, it’s sunny',
      'Sounds perfect. Sunny days are made for walks.',
      'maybe I’ll take the dog to the lake',
      'Dogs love lakes. Does yours like to swim?',
      'he’s scared of water lol',
      'Ha, that’s adorable. Maybe he’ll just enjoy sniffing everything then.',
      'yeah he loves that',
      'Sniffing is basically a dog’s version of reading the news.',
      'haha true',
      'Have a great walk!',
      'thanks! oh also my sister is visiting tomorrow',
      'Oh nice! Doing anything fun together?',
      'probably brunch, more pancakes maybe',
      'A pancake weekend — I approve. Enjoy your time with her!',
      'ok heading out now, bye!',
    ),
    { note: '14 user turns of small talk: length of a thread is not difficulty' },
  );
  add(c, 'sonnet-biscuit', false, 250, 'Write a sonnet about my dog Biscuit in strict iambic pentameter, rhyme scheme ABAB CDCD EFEF GG, and make the final couplet a pun on his name.', {
    note: 'hard formal constraints (metre, rhyme scheme, pun); small models break metre and rhyme',
  });
  add(c, 'chores-fight', false, 400, "My partner and I keep having the same fight about chores. I don't want a list of tips, I want help figuring out what's actually going on between us. Last night she said I 'never notice anything' after I'd done the dishes, and I got defensive because I literally had just done them. Then she went quiet for the rest of the evening. This happens like every two weeks.", {
    note: 'needs a perceptive, non-generic reading of the situation; small models default to chore charts',
  });
  add(
    c,
    'twenty-questions',
    false,
    60,
    convo(
      "Let's play 20 questions. I'm thinking of an animal. Ask yes/no questions, keep count, and guess when you're confident.",
      'Fun! Question 1: Is it a mammal?',
      'yes',
      'Question 2: Is it bigger than a cat?',
      'no',
      'Question 3: Does it live mainly in water?',
      'no',
      'Question 4: Is it commonly kept as a pet?',
      'sometimes',
      'Question 5: Is it a rodent?',
      'no',
      'Question 6: Is it nocturnal?',
      'yes',
      'Question 7: Can it fly?',
      'no',
      'Question 8: Does it have spines or quills?',
      'yes',
      "Question 9: Is it found in Europe?",
      "yes. that's 9 questions. your guess, and no changing any of my answers!",
    ),
    { note: 'has to keep every earlier answer consistent (hedgehog, not porcupine — a rodent); small models lose track' },
  );
  add(c, 'original-riddle', false, 120, "Tell me a riddle that isn't one of the famous ones, and make sure it has exactly one clean answer.", {
    note: 'novel riddles with a unique answer are hard; small models produce broken logic',
  });
}

// =============================================================================================
// Summarisation.
{
  const c = 'summarisation';
  add(c, 'email-one-line', true, 40, `Summarise this email in one sentence:

Hi all, a quick heads-up that the office will be closed on Monday 26 May for the bank holiday. The cleaners are coming on Tuesday morning instead, so please clear your desks by Friday evening if you can. If you need to collect anything over the long weekend, Gareth has a key and can let you in on Saturday between 10 and 12. Have a lovely weekend! — Fiona`);
  add(c, 'news-two-bullets', true, 60, `Two bullet points, please:

The city council voted on Tuesday to extend the pilot of free bus travel for under-18s by another twelve months. The scheme, launched last September, has been used for around 1.4 million journeys, according to council figures. Supporters say it has reduced school-run traffic; opponents on the council questioned whether the £2.1m annual cost could be sustained without cuts elsewhere. A final review will be published next spring.`);
  add(c, 'reddit-tldr', true, 50, `tl;dr this for me

So I (29F) moved into a new flat two months ago and my upstairs neighbour does laundry at like 11pm every night. The machine is right above my bedroom and it shakes the ceiling. I left a polite note, nothing changed. I talked to him in the hallway and he was nice about it and said he works late and that's the only time he can do it. I get it but I start work at 7. Landlord says it's not a tenancy issue. Do I just buy earplugs or is there something else I can do??`);
  add(c, 'abstract-plain', true, 120, `Explain this abstract in plain English for a non-scientist:

"We report a randomised controlled trial (n = 412) of a 12-week, app-delivered cognitive behavioural intervention for insomnia in adults aged 18–65. Compared with a sleep-hygiene education control, the intervention reduced Insomnia Severity Index scores by a mean of 4.1 points (95% CI 3.2–5.0) at 12 weeks, with effects maintained at 6-month follow-up. Adherence declined after week 6. Adverse events were rare and mild."`);
  add(c, 'clause-plain', true, 100, `What does this mean in normal words?

"The Tenant shall not, without the prior written consent of the Landlord (such consent not to be unreasonably withheld or delayed), assign, underlet, charge or part with possession of the whole or any part of the Premises."`);
  add(c, 'recipe-short', true, 120, `Can you boil this down to short numbered steps?

Start by warming a generous glug of olive oil in a heavy pan and softening a chopped onion for a good ten minutes — don't rush it, you want it sweet, not brown. Add two cloves of garlic, sliced, and a pinch of chilli flakes and give it a minute. Tip in a tin of chopped tomatoes and half a tin of water, season, and let it bubble away gently for twenty minutes while you cook the pasta. When the pasta is nearly done, scoop out a mug of the cooking water. Drain, toss the pasta in the sauce with a splash of the water until glossy, and finish with torn basil and plenty of parmesan.`);
  add(c, 'support-handover', true, 130, `Summarise this ticket for the next agent taking over:

[Customer, Mon 09:12] My order BH-55210 arrived with the teapot lid cracked. Photos attached.
[Agent Lee, Mon 10:03] Sorry about that! I've requested a replacement lid from the warehouse.
[Customer, Wed 16:40] No lid yet. Also the matching cups in the same order are the wrong colour (grey instead of sage).
[Agent Lee, Thu 08:55] Apologies. The lid is out of stock until the 20th. For the cups, I can arrange a collection and send sage ones.
[Customer, Thu 09:30] Fine for the cups. For the teapot I'd rather just return the whole thing and get a refund if the lid isn't coming soon.
[Agent Lee, Thu 09:41] Understood, I'll check with the returns team whether a full return is possible given the cups are being exchanged separately.`);
  add(c, 'release-notes-oneliner', true, 40, `Give me a one-line version of these release notes for customers who aren't technical:

v4.8.0
- Added offline mode for the mobile app (read-only)
- Fixed: exporting to CSV dropped rows with emoji in the notes field
- Improved sync performance for accounts with >10k items
- Deprecated the legacy v1 webhooks (removal in v5.0)
- Updated dependencies`);
  add(c, 'transcript-3-bullets', true, 120, `Here's the transcript from this morning's sync. Three bullets on what matters, please.

${transcript(2000, 11, {
    speakers: ['Priya', 'Marcus', 'Elena', 'Tom'],
    planted: [
      [0.3, 'Priya: Decision: the mobile release moves one week, to the 21st, because of the payment SDK update.'],
      [0.6, 'Elena: I will send the customer announcement once the new date is confirmed with marketing.'],
    ],
  })}`);
  add(c, 'article-3-bullets', true, 120, `Summarise this article in 3 bullet points:\n\n${article(TOPICS.beekeeping, 4000, 21)}`);
  add(c, 'reviews-overview', true, 150, `These are the reviews for our earbuds from the last month. What's the overall sentiment, and what are the top three complaints?\n\n${reviews(40, 31)}`);
  add(c, 'coffee-7k-paragraph', true, 180, `Summarise this in one paragraph for our team newsletter:\n\n${article(TOPICS.coffee, 7000, 41)}`, {
    note: 'long but easy: a gist of an article is well within a small model with a 128k window',
  });
  add(c, 'transit-100-words', true, 150, `Write a ~100-word summary of this piece for our transport newsletter.\n\n${article(TOPICS.transit, 3000, 51)}`);
  add(c, 'podcast-5-bullets', true, 200, `5 bullet summary of this recording please\n\n${transcript(3000, 61, { speakers: ['Host', 'Guest'], planted: [] })}`);
  add(c, 'handbook-new-starters', true, 220, `I'm new. From this handbook, what are the five things a new starter most needs to know?\n\n${policyDoc('Ardent Labs — Staff Handbook (2024 edition)', HANDBOOK_SECTIONS.slice(0, 8), 2500, 71, {
    'Annual Leave': 'New employees receive 18 days of paid annual leave in their first year of service, rising to 22 days after two full years.',
    'Working Hours': 'Core hours are 10:00 to 16:00; outside core hours employees may arrange their time with their manager.',
  })}`);
  add(c, 'transit-8k-tldr', true, 100, `tl;dr?\n\n${article(TOPICS.transit, 8000, 81)}`, { note: '8k tokens in, a few sentences out: long input alone is not difficulty' });
  add(c, 'beekeeping-for-kid', true, 90, `Summarise this for a 10-year-old in three sentences.\n\n${article(TOPICS.beekeeping, 3000, 91)}`);
  add(c, 'transcript-6k-3-bullets', true, 120, `Three bullets from this all-hands transcript, nothing more.\n\n${transcript(6500, 101, {
    speakers: ['Laura (CEO)', 'Kenji', 'Ana', 'Q&A'],
    planted: [[0.5, 'Laura (CEO): The main news: we are opening a second office in Porto in the autumn.']],
  })}`);
  add(c, 'spec-normative', false, 900, `I'm implementing a client for this API. Summarise every requirement a client must or should follow (MUST/SHOULD), grouped by area, and don't drop any caveats.\n\n${spec(6000, 111, [
    [0.2, 'Clients MUST send the Orbit-Version header on every request; requests without it are processed with version 2.0 semantics, which differ from 2.3 in how empty arrays are serialised.'],
    [0.7, 'Webhook receivers MUST reject deliveries whose timestamp differs from their own clock by more than 300 seconds.'],
  ])}`, { note: 'exhaustive, faithful summary of normative text: small models drop or merge requirements' });
  add(c, 'conflicting-reports', false, 300, `Two teams sent me reports on the same incident. Summarise where they actually disagree (not just wording differences).

REPORT A (Platform team)
Between 14:02 and 14:47 UTC on 3 June, 18% of checkout requests failed. The trigger was a configuration change to the connection pool of the payments service at 13:58, which reduced the maximum connections from 200 to 20. The change was rolled back at 14:41 and error rates returned to normal within six minutes. Customer impact: approximately 2,300 failed checkouts, most of which were retried successfully by customers.

REPORT B (Payments team)
On 3 June, checkout errors rose from 14:05 UTC and recovered by 14:47. Our investigation found the payment provider's API had elevated latency from 13:55, which, combined with the reduced pool size deployed earlier that day, exhausted connections. Failed checkouts: 2,300 attempts, of which roughly 40% were not retried — about 900 lost orders. We recommend a provider-side latency alert in addition to the config review.`, {
    note: 'the disagreements are about cause and impact framing, not numbers that differ on the surface; small models list surface differences',
  });
  add(c, 'decisions-attributed', false, 450, `From this meeting transcript, summarise: the decisions made, who owns each follow-up, and any disagreements that were NOT resolved, with who was on each side.\n\n${transcript(5000, 121, {
    speakers: ['Priya', 'Marcus', 'Elena', 'Tom', 'Ana'],
    planted: [
      [0.18, 'Priya: Decision then: we launch the partner portal on the 14th without SSO, and SSO follows in the next release.'],
      [0.2, 'Marcus: For the record, I disagree with dropping SSO. Two of our largest partners asked for it in writing.'],
      [0.23, 'Ana: I side with Priya, the date matters more; Marcus, can you share those emails?'],
      [0.45, 'Tom: I will talk to the two partners about SSO timing before Friday.'],
      [0.62, 'Elena: I own the launch checklist; first draft by Wednesday.'],
      [0.8, 'Marcus: I am still not comfortable with the pricing page going live before legal signs off.'],
      [0.82, 'Priya: Let us take the pricing page offline then and discuss it next week.'],
    ],
  })}`, { note: 'attribution and resolved-vs-open tracking over 5k tokens of noisy transcript' });
  add(c, 'contract-unusual', false, 600, `Summarise this MSA for our CFO and flag anything that's unusual or unfavourable to us (we're the Customer) compared with a standard services agreement.\n\n${contract(4000, 131, {
    'Commencement and Term': 'This Agreement shall automatically renew for successive periods of thirty-six (36) months unless either party gives written notice of non-renewal no later than one hundred and eighty (180) days before the end of the then-current term.',
    'Charges and Payment': 'The Supplier may increase the Charges at any time on thirty (30) days’ notice, and such increases shall not entitle the Customer to terminate.',
    'Limitation of Liability': 'The Supplier’s total liability under this Agreement shall not exceed the Charges paid in the three (3) months preceding the claim.',
  })}`, { note: 'requires judging clauses against market norms, not just condensing' });
  add(c, 'methods-critique', false, 400, `Summarise the method of this study and its main weaknesses.

Methods. We recruited 64 participants from a university psychology course who received course credit. Participants were randomly assigned to write for 10 minutes either about a time they felt grateful (n = 33) or about their daily commute (n = 31). Immediately afterwards, participants completed a 10-item self-report wellbeing questionnaire. Participants in the gratitude condition reported higher wellbeing (M = 5.8, SD = 0.9) than controls (M = 5.3, SD = 1.1), t(62) = 1.99, p = .049. We also measured mood, sleep quality, optimism, loneliness and life satisfaction; these did not differ significantly between groups and are reported in the supplement. Participants were told the study was about "writing and wellbeing". We conclude that brief gratitude writing improves wellbeing in adults.`, {
    note: 'spotting demand characteristics, multiple outcomes, over-generalisation, borderline p: small models give generic caveats',
  });
  add(c, 'chatlog-timeline', false, 300, `This is our ops channel from the day of the server move. Give me a timeline of what actually happened with the migration, in order.\n\n${chatLog(3000, 141, ['jo', 'sam', 'priya', 'mike', 'lena'], [
    [0.15, 'mike: starting the db snapshot for the migration now'],
    [0.3, 'mike: snapshot done, copying to the new host'],
    [0.38, 'lena: FYI the copy is going to take longer, the link is throttled to 100 Mbit'],
    [0.55, 'mike: copy finished, restoring'],
    [0.6, 'priya: restore failed — wrong postgres major version on the new box'],
    [0.66, 'mike: reinstalling pg 16 on new host, restore again after'],
    [0.78, 'mike: restore ok, switching DNS'],
    [0.8, 'sam: seeing errors from the reporting job, it still points at the old host IP'],
    [0.86, 'lena: fixed the reporting job config, all green'],
  ])}`, { note: 'ordering scattered events amid chatter' });
  add(c, 'earnings-figures', false, 400, `Summarise this earnings call with the key figures and how they changed.\n\n${earningsCall(5000, 151, [
    [0.15, 'CFO — Kenji Watanabe: Third-quarter revenue was $447.1 million, up 11% year over year and up from $405.2 million in the second quarter as restated.'],
    [0.4, 'CFO — Kenji Watanabe: Gross margin was 61.8%, compared with 63.0% a year ago, mainly because of the hardware mix.'],
    [0.55, 'CFO — Kenji Watanabe: We now expect full-year revenue between $1.70 and $1.72 billion, narrowing the range from $1.68 to $1.74 billion.'],
    [0.7, 'CEO — Laura Brandt: Net revenue retention was 112%, down from 115% last quarter, which we attribute to seat reductions at a few large customers.'],
  ])}`, { note: 'figures must be reproduced exactly and compared correctly' });
  add(c, 'thread-current-state', false, 200, `Summarise where this thread ended up — what's the current plan?

From: Nadia — Let's do the offsite in Lisbon, 12–14 March. I'll book the venue.
From: Ravi — Flights from Berlin are expensive that week, could we do Porto instead?
From: Nadia — Porto works, same dates. Venue there holds the 12th for us until Friday.
From: Chen — I can't make the 12th, I'm at the customer summit. 19–21?
From: Nadia — 19–21 in Porto is fine for the venue. Let's go with that unless anyone objects by tomorrow.
From: Ravi — Fine by me.
From: Nadia — Update: the Porto venue just told me the 19–21 slot is gone after all. They can do 26–28, or we go back to Lisbon for 19–21 — Lisbon has availability.
From: Chen — Either works for me, slight preference for Lisbon.
From: Ravi — Lisbon flights are cheaper the later week. Lisbon 19–21 then.
From: Nadia — OK, Lisbon 19–21 it is. I'll cancel the Porto hold.`, { note: 'several reversals; small models often report an intermediate state (Porto)' });
}

// =============================================================================================
// Extraction.
{
  const c = 'extraction';
  add(c, 'emails', true, 60, `Pull out all the email addresses from this:

Thanks for coming to the meetup! Slides are with Marta (marta.k@fieldnotes.example) and the recording will be posted by our organiser, j.obi@civictech.example. If you want to volunteer next time, write to volunteers@civictech.example — and for sponsorship, talk to Lars at lars+sponsor@northbeam.example.`);
  add(c, 'meeting-time', true, 40, `When is the meeting and where?

Hi both — could we move our catch-up to Thursday the 12th at 3:30pm? Same room as last time (Lovelace, 4th floor). If that doesn't work I can also do Friday morning. Thanks, Oli`);
  add(c, 'signature', true, 50, `Extract the name, company and phone number from this signature:

--
Best regards,
Dr. Helena Vasquez-Ong
Head of Clinical Partnerships | Meridian Diagnostics GmbH
M: +49 151 2345 6789 | T: +49 30 555 0192
meridian-dx.example`);
  add(c, 'order-items', true, 100, `List the products and prices from this order confirmation.

Thank you for your order #A-99812!
1 × Linen tea towel (sage) ............ £8.50
2 × Stoneware mug, 350ml .............. £24.00
1 × Bamboo utensil set ................ £12.95
Delivery (standard) ................... £3.99
Total ................................. £49.44`);
  add(c, 'tracking', true, 20, `what's the tracking number in this?

Your parcel is on its way! Carrier: Parcelnet. Tracking: PN4471 0923 88GB. Expected delivery: Wednesday between 9am and 1pm. You can change the delivery day in the Parcelnet app.`);
  add(c, 'ingredients', true, 80, `Just give me the ingredient list from this:

My go-to weeknight dal: rinse 200g red lentils, then simmer them in 800ml water with a teaspoon of turmeric until soft. Meanwhile fry a sliced onion in two tablespoons of ghee, add three garlic cloves, a thumb of ginger and a teaspoon each of cumin and mustard seeds. Stir the onion mix into the lentils with a squeeze of lemon and salt to taste. Top with coriander.`);
  add(c, 'cities', true, 40, 'Which cities are mentioned? "We flew into Osaka, spent two nights in Kyoto, took the train to Kanazawa, and on the way back had a layover in Seoul before landing in Frankfurt."');
  add(c, 'job-posting', true, 60, `From this posting, extract the job title, location and salary range.

We're hiring! Senior Data Analyst (Marketing) — hybrid, 2 days/week in our Manchester office. Salary £52,000–£60,000 depending on experience, plus 10% bonus. You'll own our attribution reporting and work closely with the growth team. Apply by 30 June.`);
  add(c, 'invoice-fields', true, 50, `Get the invoice number, the invoice date and the total due.

INVOICE
Harbour Print Co., 14 Quay Street, Bristol
Invoice no. HPC-2024-0317        Date: 17/03/2024
Bill to: Sandgate Books Ltd
Item                              Qty    Unit     Amount
Flyers A5, 350gsm                 2000   0.045    90.00
Poster A2                         25     3.20     80.00
Subtotal                                          170.00
VAT 20%                                           34.00
TOTAL DUE                                         204.00
Payment within 30 days.`);
  add(c, 'people', true, 40, 'Who are the people named in this paragraph? "The ceremony was opened by Mayor Ruth Adeyemi, who thanked the architect, Kofi Mensah, and the site manager, Ilse Brandt. Former mayor Tom Hale sent a message of support."');
  add(c, 'urls', true, 60, 'Find every URL in this text and list them: "Docs moved to https://docs.tidewater.example/v2 — the old page (http://tidewater.example/docs) redirects. Status is at status.tidewater.example and the changelog lives at https://github.com/tidewater/cli/releases."');
  add(c, 'action-items', true, 80, `What are the action items in this email?

Hi team, great session today. To recap: Jamal will send the revised budget to finance by Wednesday. Chloe is going to book the venue for the April workshop, and I'll draft the invitation once she confirms. Could everyone also please fill in the availability poll by Friday? Thanks! — Sophie`);
  add(c, 'java-error-codes', true, 60, `List the distinct error codes in these log lines:

2024-06-02 11:04:12 ERROR [OrderService] com.acme.orders.PaymentException: code=PAY-402 insufficient funds
2024-06-02 11:04:40 WARN  [OrderService] retrying payment for order 88123
2024-06-02 11:05:03 ERROR [OrderService] com.acme.orders.PaymentException: code=PAY-409 duplicate intent
2024-06-02 11:07:55 ERROR [Inventory] com.acme.inv.StockException: code=INV-100 negative stock
2024-06-02 11:09:01 ERROR [OrderService] com.acme.orders.PaymentException: code=PAY-402 insufficient funds`);
  add(c, 'address-fields', true, 60, 'Split this into street, city, postcode and country: "Flat 3, 27 Rue des Tanneurs, 1000 Bruxelles, Belgium"');
  add(c, 'policy-deadlines', true, 150, `List every deadline in this policy document (what, and when).\n\n${policyDoc('Ardent Labs — Finance Procedures', ['Purpose', 'Expenses and Travel', 'Purchasing', 'Month End', 'Audit'], 3000, 161, {
    'Expenses and Travel': 'Expense claims must be submitted by the fifth working day of the month following the expense.',
    'Month End': 'Accruals must be sent to the finance inbox no later than the 25th of each month; the ledger closes on the third working day of the next month.',
    Audit: 'Supporting documents for the annual audit must be uploaded by 15 January.',
  })}`);
  add(c, 'phones-e164', true, 70, 'Normalise the phone numbers in this flyer to E.164 (they are all US): "Call us at (415) 555-0134 or text 415.555.0199. After hours: 1-800-555-0110."');
  add(c, 'voicemail', true, 80, `Extract caller name, callback number and what they want from this voicemail transcript:

"hi uh this is Doreen calling from, um, the dental practice on Mill Road, it's about Marcus's appointment on Thursday, we need to move it, so if you could call us back on oh one two two three, four nine six, seven seven one, that's oh one two two three four nine six seven seven one, thanks, bye"`);
  add(c, 'bilingual-complaint', true, 100, `Extract product, order number and the complaint (translated to English):

Sehr geehrte Damen und Herren, ich habe am 3. Mai den Wasserkocher "Nordlicht 1.7L" bestellt (Bestellnummer DE-204417). Das Gerät schaltet sich nicht automatisch ab, wenn das Wasser kocht. Ich möchte ein Ersatzgerät. Mit freundlichen Grüßen, K. Albers`);
  add(c, 'ocr-table', false, 320, `This is OCR output from a scanned price list. Turn it into CSV with columns product,size,price_2023,price_2024. Some cells are merged in the original.

PRODUCT        SIZE     2023      2024
Oat drink      1L       1.45      1.59
               250ml    0.65
                                  0.72
Almond drink   1L       1.79      1,89
Soy drink      1L       1.35      1.35
               500m1    0.85      O.89
Rice drink     1L       —         1.65`, { note: 'merged cells, OCR errors (1,89 / 500m1 / O.89), a value on the wrong line' });
  add(c, 'contract-obligations', false, 400, `List each party's obligations in this agreement, including any conditions attached to them.

1. The Licensor grants the Licensee a non-exclusive licence to use the Software at the Licensee's premises, subject to payment of the Fees in accordance with clause 4.
2. The Licensee shall not sublicense the Software, except to Affiliates that have agreed in writing to be bound by this Agreement, in which case the Licensee remains liable for their acts.
3. The Licensor shall provide Support during Business Hours. Where a Severity 1 fault is reported, the Licensor shall respond within 2 hours, provided that the Licensee has given remote access to the affected system.
4. Fees are payable annually in advance. If the Licensee disputes an invoice in good faith, it shall pay the undisputed portion and notify the Licensor within 15 days.
5. Either party may terminate on 90 days' notice after the first anniversary; the Licensor may terminate immediately if Fees remain unpaid 30 days after a reminder.
6. On termination the Licensee shall delete all copies of the Software and, on request, certify deletion in writing; the Licensor shall return Licensee Data within 30 days if asked before termination takes effect.`, { note: 'obligations hidden in provisos and exceptions; small models flatten the conditions' });
  add(c, 'clinical-meds', false, 160, `Extract each medication with dose, route, frequency and any conditions from this note:

Pt d/c'd home. Cont metoprolol succ 25mg PO qd, hold if HR<55 or SBP<100. Start apixaban 5mg PO BID (reduce to 2.5 BID if Cr ≥1.5 + age ≥80). Amox-clav 875/125 PO q12h x5d. Stop ibuprofen. PRN: paracetamol 1g PO q6h max 4g/24h.`, { note: 'clinical abbreviations and conditional dosing; errors are high-stakes' });
  add(c, 'org-reporting', false, 150, `Who reports to whom? Give me the reporting lines.

Anja runs engineering. The two engineering leads, Ben and Carla, report to her, although Carla's mobile team was moved under product last month, so she now reports to Dev, who heads product and himself reports to the CEO, as does Anja. Ben's team includes Eli and Femi; Femi is on loan to Carla's team until the end of the quarter but still formally reports to Ben. Gita, the new designer, reports to whoever leads mobile.`, { note: 'coreference and a change of structure mid-paragraph' });
  add(c, 'relative-dates', false, 160, `Today is Wednesday 12 June 2024. Extract every date in this message as an ISO date:

"Let's do the kickoff next Tuesday, then the design review the day after the kickoff. Launch is two weeks after the review, unless that lands on a Friday, in which case the following Monday. Retro on the last working day of that month."`, { note: 'chained relative dates with a conditional' });
  add(c, 'final-price-thread', false, 60, `What's the final agreed price per unit in this thread?

Supplier: We can offer 5,000 units at €3.40 each.
Buyer: Could you do €3.10 if we commit to 8,000?
Supplier: For 8,000 we can do €3.20.
Buyer: Agreed at €3.20 for 8,000.
Supplier: Apologies — our quote assumed the old packaging. With the new recyclable packaging it's €0.15 more per unit.
Buyer: We'll accept the packaging change, but only if you cover shipping.
Supplier: Fine, shipping is on us.`, { note: 'answer is €3.35 after a correction buried later in the thread' });
  add(c, 'battery-mentions', false, 300, `From these reviews, list every reviewer who mentions battery life or charging time, with the number of hours they give.\n\n${reviews(70, 171)}`, {
    note: 'exhaustive recall over ~4k tokens; small models stop early or merge reviewers',
  });
}

// =============================================================================================
// Code.
{
  const c = 'code';
  add(c, 'reverse-list', true, 80, 'How do I reverse a list in Python?');
  add(c, 'let-const', true, 150, "What's the difference between let and const in JavaScript?");
  add(c, 'center-div', true, 120, 'how do i center a div horizontally and vertically with flexbox');
  add(c, 'count-lines', true, 60, 'bash one-liner to count the lines in all .txt files in a folder');
  add(c, 'json-to-yaml', true, 80, 'Convert this to YAML:\n{"name": "api", "replicas": 3, "env": {"LOG_LEVEL": "info", "PORT": "8080"}, "ports": [8080, 9090]}');
  add(c, 'git-undo', true, 80, 'How do I undo my last git commit but keep the changes?', { note: 'no code keywords, still simple' });
  add(c, 'git-rebase-i', true, 150, 'What does `git rebase -i` actually do?');
  add(c, 'top-customers-sql', true, 100, 'Write a SQL query to get the top 5 customers by total order amount from tables customers(id, name) and orders(id, customer_id, amount).');
  add(c, 'zip-regex', true, 50, "What's a regex that matches a US ZIP code, with or without the +4 part?");
  add(c, 'syntax-fix', true, 50, 'Why does this fail?\n```python\nfor i in range(10)\n    print(i)\n```');
  add(c, 'explain-fn', true, 120, 'What does this do?\n```js\nconst f = (xs) => xs.filter((x, i) => xs.indexOf(x) === i);\n```');
  add(c, 'pandas-csv', true, 80, 'how do I read a csv file with pandas and only keep two columns');
  add(c, 'npm-dev-dep', true, 30, "What's the npm command to install a package as a dev dependency?");
  add(c, 'palindrome', true, 120, 'Write a function that checks if a string is a palindrome, ignoring case and spaces.');
  add(c, 'status-code', true, 80, 'What HTTP status code should my API return for a validation error?');
  add(c, 'react-rerender', true, 250, `Why does this component re-render forever?
\`\`\`tsx
function Profile({ id }: { id: string }) {
  const [user, setUser] = useState(null);
  const options = { include: ['avatar'] };
  useEffect(() => {
    fetchUser(id, options).then(setUser);
  }, [id, options]);
  return <Card user={user} />;
}
\`\`\``, { note: 'the classic object-in-deps bug; small models recognise it reliably' });
  add(c, 'oversell-race', true, 300, `We sometimes oversell stock when two people check out at the same moment. Here's the handler:
\`\`\`python
def checkout(cart_id):
    cart = db.get_cart(cart_id)
    stock = db.get_stock(cart.item_id)
    if stock >= cart.qty:
        db.set_stock(cart.item_id, stock - cart.qty)
        db.create_order(cart)
        return True
    return False
\`\`\``, { note: 'textbook check-then-act race; small models name it and suggest an atomic conditional UPDATE' });
  add(c, 'rwmutex-deadlock', false, 500, `Our Go service freezes every few hours under load. A goroutine dump shows hundreds of goroutines blocked in RLock and one blocked in Lock. Relevant code:
\`\`\`go
type Store struct {
	mu    sync.RWMutex
	items map[string]Item
	ttl   time.Duration
}

func (s *Store) Get(k string) (Item, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	it, ok := s.items[k]
	if ok && s.expired(it) {
		return Item{}, false
	}
	return it, ok
}

func (s *Store) expired(it Item) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return time.Since(it.At) > s.ttl
}

func (s *Store) Set(k string, it Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[k] = it
}
\`\`\``, { note: 'recursive RLock deadlocks only when a writer is queued between the two RLocks; small models blame the map or suggest sync.Map' });
  add(c, 'dst-double-run', false, 450, 'Our nightly job occasionally processes the same customer twice, but only on the nights when the clocks change. It picks up everyone whose last run was more than 24 hours ago. What could be going on, and how do we make it robust?', {
    note: 'hard, and phrased without code words: wall-clock vs elapsed time, DST, idempotency',
  });
  add(c, 'rust-lifetime', false, 400, `This doesn't compile and I don't understand the error. How do I fix it properly (without cloning strings)?
\`\`\`rust
struct Parser<'a> {
    input: &'a str,
    pos: usize,
    tokens: Vec<&'a str>,
}

impl<'a> Parser<'a> {
    fn next_token(&mut self) -> Option<&str> {
        let rest = &self.input[self.pos..];
        let end = rest.find(' ').unwrap_or(rest.len());
        if end == 0 { return None; }
        self.pos += end + 1;
        Some(&rest[..end])
    }

    fn parse_all(&mut self) {
        while let Some(t) = self.next_token() {
            self.tokens.push(t);
        }
    }
}
\`\`\`
error[E0499]: cannot borrow \`*self\` as mutable more than once at a time`, { note: 'needs `-> Option<&\'a str>`; small models reach for clone() or String' });
  add(c, 'lru-threadsafe-rust', false, 900, 'Implement a thread-safe LRU cache in Rust with O(1) get and put, usable from multiple threads, with tests. No external crates.');
  add(c, 'expr-parser', false, 1000, 'Write a recursive-descent parser in TypeScript for arithmetic expressions with +, -, *, /, unary minus, parentheses and correct precedence/associativity. It should report the position of the first syntax error and keep going to report more than one error where possible.');
  add(c, 'slow-query-explain', false, 500, `This query takes 9 seconds on Postgres 15. Why, and what would you change?
\`\`\`sql
SELECT o.id, o.created_at, c.email
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE lower(c.email) LIKE '%@acme.com'
  AND o.created_at >= now() - interval '30 days'
ORDER BY o.created_at DESC
LIMIT 50;
\`\`\`
EXPLAIN ANALYZE (abridged):
Limit (actual time=9021..9021 rows=50)
  -> Sort (Sort Key: o.created_at DESC) (actual rows=50 loops=1)
     -> Hash Join (Hash Cond: o.customer_id = c.id) (actual rows=181220)
        -> Seq Scan on orders o (Filter: created_at >= ...) (rows removed by filter: 24118021)
        -> Hash -> Seq Scan on customers c (Filter: lower(email) ~~ '%@acme.com') (rows=3102)
Indexes: orders(customer_id), customers(email)`, { note: 'needs reading the plan: leading-wildcard LIKE, missing (created_at) index, join order' });
  add(c, 'node-leak', false, 500, `Our Node.js websocket server's heap grows ~50MB an hour until it's OOM-killed. Heap snapshot diff shows growing counts of "Closure (onMessage)" and "EventEmitter" retained via "listeners" on an object called "bus". Here's the connection handler:
\`\`\`js
wss.on('connection', (socket, req) => {
  const user = authenticate(req);
  const onMessage = (msg) => socket.send(JSON.stringify(msg));
  bus.on(\`user:\${user.id}\`, onMessage);
  socket.on('message', (data) => handleClientMessage(user, data));
  socket.on('error', (err) => log.warn({ err }, 'socket error'));
});
\`\`\``, { note: 'leak is the missing bus.off on close; plausible for small models but they also mis-blame the error handler — kept large for the diagnosis plus a robust fix' });
  add(c, 'port-py-rust', false, 800, `Port this to idiomatic Rust, keeping behaviour identical (including the error cases):
\`\`\`python
def parse_duration(s: str) -> int:
    """'1h30m', '45s', '2d', '1h 5m 3s' -> seconds. Raises ValueError on bad input."""
    units = {'d': 86400, 'h': 3600, 'm': 60, 's': 1}
    total, num, seen = 0, '', set()
    for ch in s.replace(' ', ''):
        if ch.isdigit():
            num += ch
        elif ch in units:
            if not num or ch in seen:
                raise ValueError(f'bad duration: {s!r}')
            seen.add(ch)
            total += int(num) * units[ch]
            num = ''
        else:
            raise ValueError(f'bad duration: {s!r}')
    if num or not seen:
        raise ValueError(f'bad duration: {s!r}')
    return total
\`\`\``);
  add(c, 'ts-deep-partial', false, 500, 'Write a TypeScript type DeepPartial<T> that makes every property optional recursively, preserves readonly modifiers, keeps functions as they are, maps arrays to arrays of DeepPartial elements and keeps tuples as tuples (element-wise). Show type tests that prove each case.');
  add(c, 'binary-search-edge', false, 300, `This is supposed to return the index of the first element >= x in a sorted list. Some callers say it's wrong occasionally. Is it, and for which inputs?
\`\`\`python
def first_ge(a, x):
    lo, hi = 0, len(a) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo
\`\`\``, { note: 'wrong when every element is < x (returns len-1, not len); small models often declare it correct' });
  add(c, 'flaky-test-no-keywords', false, 400, 'One of our checks passes on my laptop and in the morning builds but fails in the builds that run just after midnight UTC, and only at the end of the month. Nothing else changes. Where would you look first?', {
    note: 'date-boundary/timezone bug, hard to reason about, phrased without code words',
  });
}

// =============================================================================================
// Math.
{
  const c = 'math';
  add(c, 'pct-of', true, 15, 'What is 15% of 80?');
  add(c, 'two-plus-two', true, 5, "what's 2+2");
  add(c, 'f-to-c', true, 40, 'Convert 72°F to Celsius.');
  add(c, 'drive-time', true, 30, 'If I drive 150 miles at 60 mph, how long will it take?');
  add(c, 'circle-area', true, 40, 'Area of a circle with radius 3 cm?');
  add(c, 'linear', true, 50, 'Solve for x: 2x + 6 = 14');
  add(c, 'rent-share', true, 40, 'I take home $4,200 a month and my rent is $1,350. What share of my income goes on rent?');
  add(c, 'tip', true, 20, 'How much is a 20% tip on $64.50?');
  add(c, 'derivative', true, 30, "What's the derivative of x^3 + 2x?");
  add(c, 'simple-interest', true, 50, 'Simple interest on $1,000 at 5% a year for 3 years?');
  add(c, 'average', true, 30, 'Average of 12, 15, 22, 9 and 31?');
  add(c, 'sqrt2-proof', true, 300, 'Prove that the square root of 2 is irrational.', { note: 'a "proof", but a textbook one that small models reproduce correctly' });
  add(c, 'two-aces', true, 80, "Two cards are drawn from a standard deck without replacement. What's the probability both are aces?");
  add(c, 'widgets', true, 50, 'If 5 machines take 5 minutes to make 5 widgets, how long would 100 machines take to make 100 widgets?');
  add(c, 'bill-split', true, 70, "Five of us are splitting a $230 bill but Dana had the lobster so she should pay double. How much does everyone pay?");
  add(c, 'rectangle', true, 80, "A rectangle's length is 3 times its width and its perimeter is 64 cm. Find its area.");
  add(c, 'days-between', false, 40, 'How many days are there from March 3 to May 17 (same year, not a leap year)?', { note: 'calendar arithmetic; small models are often off by one or a month length' });
  add(c, 'sum-inverse-squares', false, 400, 'Prove that for every integer n ≥ 1, 1/1² + 1/2² + … + 1/n² ≤ 2 − 1/n.', { note: 'non-textbook induction step (needs 1/(n+1)² ≤ 1/n − 1/(n+1))' });
  add(c, 'monty-4-doors', false, 250, 'There are 4 doors, one car, three goats. I pick a door; the host, who knows where the car is, opens 2 of the other doors showing goats, then offers me the last closed door. Should I switch, and what are my chances either way?', { note: 'variant of a famous problem; small models answer the 3-door numbers' });
  add(c, 'notebook-pen', false, 60, 'A notebook and a pen cost $3.30 together. The notebook costs $3 more than the pen. How much is the pen?', { note: 'bat-and-ball with changed numbers (pen = $0.15); small models answer $0.30' });
  add(c, 'log-integral', false, 400, 'Evaluate the integral of ln(x)/(1+x²) from 0 to infinity.', { note: 'substitution x → 1/x gives 0; small models attempt a wrong antiderivative' });
  add(c, 'domino-tiling', false, 200, 'In how many ways can a 2×10 board be tiled with 1×2 dominoes?', { note: 'Fibonacci recurrence (89); small models miscount' });
  add(c, 'two-sixes', false, 300, "What's the expected number of rolls of a fair die until I get two sixes in a row?", { note: 'Markov chain (42); small models answer 36 or 12' });
  add(c, 'eigenvalues', false, 300, 'Find the eigenvalues of the matrix [[2,1,0],[1,3,1],[0,1,4]].', { note: 'cubic with irrational roots (3, 3±√3); arithmetic slips' });
  add(c, 'taxi-fair', false, 300, 'Three friends share a taxi. Ana gets out after a third of the way, Ben after two thirds, and Caro rides to the end. The fare was 27 euros. What is a fair way to split it?', {
    note: 'needs a fairness model (split each third among its riders: Ana 3, Ben 7.50, Caro 16.50); no arithmetic symbols or math words',
  });
  add(c, 'retirement-fv', false, 300, "I'm 30, have $15k saved, can put away $600 a month, and expect about 6% a year. Roughly how much will I have at 65, and how much of that is money I actually put in?", {
    note: 'future value of a lump sum plus an annuity (~$940–970k depending on compounding, vs $267k contributed); small models botch the annuity',
  });
  add(c, 'is-prime', false, 200, 'Is 1,000,003 prime?', { note: 'needs actual trial division; small models guess' });
}

// =============================================================================================
// Multi-step reasoning.
{
  const c = 'reasoning';
  add(c, 'rent-vs-buy', true, 450, 'What are the pros and cons of renting vs buying a home?', { note: 'generic comparison; a small model answers it well' });
  add(c, 'cats-vs-dogs', true, 300, 'Compare cats and dogs as pets for someone in a small apartment who works long hours.');
  add(c, 'sky-blue', true, 150, 'Explain why the sky is blue, simply.');
  add(c, 'couch-to-5k', true, 450, 'Give me a step-by-step plan to go from couch to running 5k in two months.');
  add(c, 'ice-floats', true, 120, 'Why does ice float on water?');
  add(c, 'age-order', true, 50, "Alice is older than Bob. Carol is younger than Dan but older than Alice. Who's the second oldest?");
  add(c, 'spanish-french', true, 150, 'Should I learn Spanish or French first if I live in Texas?');
  add(c, 'remember-names', true, 220, "What's a good strategy for remembering people's names at a conference?");
  add(c, 'survivorship', true, 200, "My coworker argues: 'Every successful startup founder I've read about dropped out of college, so dropping out increases your chances of success.' What's wrong with that reasoning?", { note: 'well-known fallacy (survivorship bias); small models name it' });
  add(c, 'car-loan-vs-invest', true, 300, 'Is it better to pay off my car loan early or invest the money? The loan is at 4.9% with 3 years left.');
  add(c, 'leap-years', true, 120, 'Why do we have leap years?');
  add(c, 'mislabelled-boxes', true, 150, 'Three boxes are labelled apples, oranges and mixed, and every label is wrong. You can take one fruit from one box without looking inside. How do you fix all the labels?', { note: 'famous puzzle, memorised' });
  add(c, 'knights-knaves', false, 300, "On an island, knights always tell the truth and knaves always lie. A says: 'B is a knave.' B says: 'A and C are the same kind.' What is C?", { note: 'case analysis (C is a knave either way); no reasoning keywords' });
  add(c, 'sally-sisters', false, 60, 'Sally has 3 brothers. Each brother has 2 sisters. How many sisters does Sally have?', { note: 'small models answer 6 or 2' });
  add(c, 'facing', false, 60, "I'm facing north. I turn right, then turn around, then turn left twice. Which way am I facing now?", { note: 'state tracking; answer east' });
  add(c, 'meeting-slot', false, 250, "I need a 1-hour slot for Ana, Ben, Chidi and Dee on Thursday. Ana is free 9–12 and 14–17. Ben is busy 10–11 and 13–15. Chidi only works 11–16. Dee has a standing call 11:30–12:30 and can't do anything after 15:30. When can we meet?", {
    note: 'no full hour exists (only 11:00–11:30 and 15:00–15:30); small models invent a slot',
  });
  add(c, 'monolith', false, 700, "We're 6 engineers with a Django monolith serving about 2k requests a minute. Our CTO wants to split it into microservices 'to scale'. What should we weigh, and what would you recommend?", { note: 'context-specific judgement, not a generic list' });
  add(c, 'debt-order', false, 500, 'I have $40k in savings, a student loan at 6.8%, a car loan at 3.9%, a credit card balance of $3k at 24%, and my employer matches 401k contributions up to 4%. I have no emergency fund besides the savings. In what order should I use the money, and why?');
  add(c, 'sales-drop-cause', false, 500, 'Our sales dropped 20% in the month after we changed the logo, raised prices 8% and a competitor launched a cheaper product. How can we figure out which of these actually caused it?', { note: 'causal identification with confounded changes' });
  add(c, 'river-capacity-two', false, 150, 'A farmer must cross a river with a wolf, a goat and a cabbage. His boat can carry him plus up to two of them. The wolf eats the goat and the goat eats the cabbage if left alone without him. What is the minimum number of crossings?', {
    note: 'changed capacity makes it 3 crossings; small models recite the 7-crossing classic',
  });
  add(c, 'japan-itinerary', false, 900, 'Plan a 10-day Japan trip for two starting and ending in Tokyo. We must be in Osaka on day 4 for a wedding (all day), want at least two nights in Kyoto, no more than 3 hours of travel on any day, and a total rail budget of ¥60,000 per person. Would a 7-day JR Pass be worth it?', { note: 'many interacting constraints plus a cost check' });
  add(c, 'simpson', false, 350, "Factory A has a lower defect rate than Factory B on each of its two product lines, but a higher defect rate overall. Is that possible? Show it with numbers.", { note: "Simpson's paradox with a constructed example" });
  add(c, 'pg-migration', false, 900, 'Plan a strategy for moving a 40 TB Postgres database to another cloud region with less than 5 minutes of write downtime. We have logical replication available and a 10 Gbit link.');
  add(c, 'birthday-months', false, 200, 'There are 13 of us in my family. Everyone has a different birthday month except two cousins who share one. Is that a surprising coincidence?', { note: 'pigeonhole: a shared month is guaranteed; no keywords' });
  add(c, 'day-before-yesterday', false, 60, 'If the day before yesterday was Thursday, what day will it be the day after tomorrow?', { note: 'answer Monday; small models slip' });
}

// =============================================================================================
// Long context.
{
  const c = 'long-context';
  const handbookFacts = {
    'Annual Leave': 'New employees receive 18 days of paid annual leave in their first year of service, rising to 22 days after two full years. Up to 5 unused days may be carried over to the next year.',
    Facilities: 'The facilities team can be reached on extension 4417 or at facilities@ardent-labs.example for anything from broken chairs to access cards.',
    'Remote and Hybrid Work': 'Employees may work remotely for up to three days per week. Remote work from another country is limited to 20 working days per calendar year and requires prior approval from People Operations at least four weeks in advance.',
    'Expenses and Travel': 'Travel booked less than 7 days before departure requires director approval.',
  };
  const handbook55 = policyDoc('Ardent Labs — Staff Handbook (2024 edition)', HANDBOOK_SECTIONS, 5500, 201, handbookFacts);
  const handbook75 = policyDoc('Ardent Labs — Staff Handbook (2024 edition)', HANDBOOK_SECTIONS, 7500, 202, handbookFacts);
  add(c, 'handbook-leave-days', true, 40, `${handbook55}\n\nHow many vacation days do I get in my first year?`, { note: 'single-fact lookup' });
  add(c, 'handbook-facilities-ext', true, 30, `What's the facilities team's phone extension?\n\n${handbook75}`, { note: 'single-fact lookup in ~7.5k tokens' });
  add(c, 'handbook-spain', false, 300, `${handbook55}\n\nI joined 14 months ago. I'd like to spend 5 weeks this summer working from my parents' place in Spain, plus take two weeks off in the middle. Based on the handbook, is that allowed and what do I need to do?`, {
    note: 'combines two sections and a calculation (5 weeks = 25 working days > 20)',
  });
  const msaFacts = {
    'Commencement and Term': 'This Agreement commences on 1 April 2023 for an initial term ending 31 March 2026 and shall automatically renew for successive periods of twelve (12) months unless either party gives written notice of non-renewal no later than ninety (90) days before the end of the then-current term.',
    Termination: 'The Customer may terminate this Agreement for convenience on six (6) months’ written notice, provided that the early-termination fee set out in Schedule 4 is paid in full before the termination date.',
    'Charges and Payment': 'The Charges shall increase on each anniversary of the Commencement Date by the lower of CPI and four per cent (4%).',
    'Limitation of Liability': 'The Supplier’s total liability in any Contract Year shall not exceed 125% of the Charges paid in the preceding Contract Year, save that this cap shall not apply to breaches of clause 6 (Confidentiality).',
    'Data Protection': 'Liability for breaches of this clause 8 is subject to the cap in clause 9.',
  };
  const msa = contract(6500, 211, msaFacts);
  add(c, 'msa-autorenew', true, 120, `${msa}\n\nDoes this contract auto-renew? Quote the clause.`);
  add(c, 'msa-exit', false, 350, `${msa}\n\nWe want out of this contract. What's the latest date we can give notice so it doesn't renew, and is there any way to leave earlier — at what cost?`, {
    note: 'two clauses plus date arithmetic (31 Dec 2025) and a reference to a schedule not included',
  });
  add(c, 'msa-data-leak', false, 300, `${msa}\n\nIf the supplier leaks our customer data, is their liability capped?`, {
    note: 'depends on how clause 8 (data protection, capped) interacts with clause 6 (confidentiality, uncapped)',
  });
  const outage: ReadonlyArray<readonly [number, string]> = [
    [0.52, 'auth-svc INFO deploy version=2.14.0 started by ci-bot'],
    [0.53, 'auth-svc WARN config TOKEN_CACHE_MAX changed 50000 -> 5000'],
    [0.58, 'auth-svc WARN token cache evictions=1240/s hit_ratio=0.31'],
    [0.61, 'orders-svc WARN upstream auth-svc path=/introspect latency_ms=2300'],
    [0.64, 'orders-svc ERROR db pool exhausted active=50 idle=0 waiting=212'],
    [0.65, 'api-gw ERROR upstream orders-svc status=503 path=/v1/orders'],
    [0.67, 'api-gw ERROR upstream orders-svc status=503 path=/v1/cart'],
    [0.7, 'cart-svc ERROR timeout calling orders-svc after 5000ms'],
    [0.78, 'auth-svc INFO rollback to version=2.13.4 started by oncall'],
    [0.82, 'orders-svc INFO db pool recovered active=12 idle=38 waiting=0'],
  ];
  const logs = serverLogs(5000, 221, outage);
  add(c, 'logs-root-cause', false, 400, `What caused the 503s in these logs? Give me the chain of events with timestamps.\n\n${logs}`, { note: 'causal chain across services' });
  add(c, 'logs-rollback-version', true, 20, `${logs}\n\nWhat version was auth-svc rolled back to?`);
  add(c, 'logs-count-errors', false, 40, `How many ERROR lines are in this log?\n\n${serverLogs(7000, 222, outage)}`, { note: 'counting over a long context; small models guess' });
  const people = [
    { name: 'Tomás Ruiz', joined: 'March 2019', team: 'platform' },
    { name: 'Yuki Tanaka', joined: 'November 2023', team: 'design' },
    { name: 'Grace Mbeki', joined: 'July 2021', team: 'research' },
    { name: 'Oskar Nilsson', joined: 'January 2024', team: 'finance' },
    { name: 'Leila Haddad', joined: 'September 2022', team: 'design' },
    { name: 'Sam Okoro', joined: 'May 2020', team: 'platform' },
  ];
  const projects = [
    { name: 'Kestrel', lead: 'Tomás Ruiz', budget: '€250,000', status: 'in progress' },
    { name: 'Heron', lead: 'Leila Haddad', budget: '€320,000', status: 'in progress' },
    { name: 'Osprey', lead: 'Grace Mbeki', budget: '€180,000', status: 'planning' },
    { name: 'Wren', lead: 'Sam Okoro', budget: '€95,000', status: 'paused' },
  ];
  const updates = [
    'Heron budget increased to €410,000 after the March steering review.',
    'Kestrel: lead changes from Tomás Ruiz to Yuki Tanaka from 1 April, as Tomás moves to Wren.',
    'Wren is un-paused and its budget raised to €140,000.',
  ];
  const records4 = companyRecords(4000, 231, people, projects, updates);
  const records7 = companyRecords(7000, 232, people, projects, updates);
  add(c, 'records-newest-lead', false, 120, `${records7}\n\nWhich project is led by the person who joined most recently, and what is that project's current budget?`, {
    note: 'multi-hop: join dates → lead change update → project → (unchanged) budget; Oskar leads nothing',
  });
  add(c, 'records-osprey-lead', true, 20, `${records4}\n\nWho leads Project Osprey?`);
  add(c, 'records-design-projects', false, 150, `${records4}\n\nList every project currently led by someone in the design team, with its current budget.`, {
    note: 'needs the lead change and the budget update (Kestrel €250k via Yuki, Heron €410k)',
  });
  const call = earningsCall(6500, 241, [
    [0.1, 'CEO — Laura Brandt: On hiring, we remain disciplined: we expect headcount to be roughly flat through year end, with the exception of the partner team.'],
    [0.3, 'CFO — Kenji Watanabe: Third-quarter revenue was $447.1 million, up 11% year over year.'],
    [0.6, 'CFO — Kenji Watanabe: As a reminder, second-quarter revenue was restated to $405.2 million following the change in how we recognise multi-year contracts; we originally reported $412.6 million.'],
  ]);
  add(c, 'call-qoq', false, 150, `${call}\n\nWhat was quarter-over-quarter revenue growth from Q2 to Q3, using the restated Q2 figure?`, { note: 'two far-apart figures, pick the restated one, then compute (~10.3%)' });
  add(c, 'call-hiring', true, 80, `${call}\n\nWhat did the CEO say about hiring?`);
  const code = codebase('order');
  add(c, 'code-paging-bug', true, 250, `Customers say that when they page through their orders, the first page of orders never shows up on page 1 — it starts with older ones. Other lists are fine. Find the cause in this code and give the fix.\n\n${code}`, {
    note: 'the symptom points at one function; once found the bug is local (page * pageSize with 1-based pages)',
  });
  add(c, 'code-security-review', false, 800, `Review this service for security problems. Be specific about file and function.\n\n${code}`, {
    note: 'open-ended review over ~6k tokens of near-identical modules (mass assignment via spread, validation that accepts anything)',
  });
  add(c, 'chat-fire-drill', false, 40, `When is the fire drill?\n\n${chatLog(3000, 251, ['jo', 'sam', 'priya', 'mike', 'lena'], [
    [0.2, 'jo: heads up, the fire drill is on Thursday at 10:00'],
    [0.7, 'sam: correction from facilities: fire drill is WEDNESDAY 10:00, not Thursday'],
  ])}`, { note: 'a later correction overrides the first mention' });
  add(
    c,
    'long-coding-session',
    false,
    500,
    convo(
      "I'm refactoring an event dispatcher in our Python service. Context: we're stuck on Python 3.8 on these boxes, so no match statements and no 3.9+ dict/str methods.",
      'Got it — Python 3.8 constraints noted. Share the code when ready.',
      `Here it is:\n\`\`\`python\ndef dispatch(event):\n    if event['type'] == 'user.created':\n        return on_user_created(event)\n    elif event['type'] == 'user.deleted':\n        return on_user_deleted(event)\n    elif event['type'] == 'order.placed':\n        return on_order_placed(event)\n    elif event['type'] == 'order.cancelled':\n        return on_order_cancelled(event)\n    else:\n        log.warning('unknown event %s', event['type'])\n\`\`\``,
      'A dispatch table would remove the if/elif chain. Do handlers share a signature?',
      'yes, all take the event dict and return None',
      'Then a dict from type to handler works well.',
      'also some events have a version field, v1 and v2 of order.placed differ',
      'You could key the table by (type, version), defaulting version to 1.',
      "the v2 handler needs the tenant config too, which we load via get_tenant_config(event['tenant_id'])",
      'Then the v2 handler can load it itself, or the dispatcher can pass it as a keyword argument.',
      "let's have the dispatcher do it, but only for handlers that need it",
      'You could mark those handlers with a decorator that sets an attribute.',
      'ok. and unknown events should go to a dead-letter queue now, not just a log line: dlq.put(event)',
      'Noted: unknown → dlq.put(event).',
      'one more: handlers can raise RetryableError, in which case we requeue with a delay of 2^attempt seconds, max 5 attempts',
      'Understood. The attempt count would need to live on the event.',
      "it does, event['attempt'], starting at 0",
      'Good, that gives everything needed.',
      'we also have metrics: metrics.incr(f"events.{type}.ok") or .failed',
      'Noted.',
      'oh and the team wants type hints everywhere',
      'Sure.',
      'ok now write the whole dispatcher the way you would do it, with everything we discussed',
    ),
    { note: '12 user turns; the answer must honour constraints from the first turn (3.8: no match, no str.removeprefix, typing.Dict)' },
  );
  add(c, 'article-permit-price', true, 30, `${article(TOPICS.beekeeping, 5000, 261, [[0.45, "In Leeds, the 'Bee Roofs' scheme, run by the Aire Valley Beekeepers' Association, now charges £35 a year for a rooftop permit, and requires a mentor sign-off in the first season."]])}\n\nHow much does a Bee Roofs permit cost?`);
  const apiSpec = spec(7000, 271, [
    [0.15, 'Clients MUST send the Orbit-Version header on every request; requests without it are processed with version 2.0 semantics, which differ from 2.3 in how empty arrays are serialised.'],
    [0.6, 'Webhook signatures are computed as HMAC-SHA256 over the string formed by the delivery id, the timestamp and the raw request body, joined with a full stop, using the endpoint secret as key; the result is sent hex-encoded in the Orbit-Signature header.'],
    [0.85, 'Webhook receivers MUST reject deliveries whose timestamp differs from their own clock by more than 300 seconds, and SHOULD remember delivery ids for at least that long to reject replays.'],
  ]);
  add(c, 'spec-missing-version', true, 60, `${apiSpec}\n\nWhat happens if I leave out the version header?`);
  add(c, 'spec-webhook-verify', false, 400, `${apiSpec}\n\nWrite pseudocode for verifying an incoming webhook exactly as this spec requires, including whatever replay protection it asks for.`, {
    note: 'two far-apart sections must be combined precisely',
  });
  const meeting = transcript(4000, 281, {
    speakers: ['Priya', 'Marcus', 'Elena', 'Tom', 'Ana'],
    planted: [
      [0.25, 'Priya: Decision then: we launch the partner portal on the 14th without SSO, and SSO follows in the next release.'],
      [0.27, 'Marcus: For the record, I disagree with dropping SSO. Two of our largest partners asked for it in writing.'],
      [0.55, 'Tom: I will talk to the two partners about SSO timing before Friday.'],
      [0.7, 'Elena: I own the launch checklist; first draft by Wednesday.'],
    ],
  });
  add(c, 'meeting-sso-objection', true, 80, `${meeting}\n\nDid everyone agree with the SSO decision? If not, who objected and why?`, { note: 'one planted exchange to find' });
  add(c, 'meeting-action-table', false, 350, `${meeting}\n\nMake a table of every action item in this meeting, with owner and due date where given.`, {
    note: 'exhaustive over a noisy transcript where many filler lines also sound like actions',
  });
  add(c, 'reviews-one-star', false, 30, `How many of these reviews are 1-star?\n\n${reviews(90, 291)}`, { note: 'counting over ~4.5k tokens' });
  add(c, 'two-articles-union', true, 60, `Which of these two articles mentions a union negotiation, and what was negotiated?\n\n=== ARTICLE 1 ===\n${article(TOPICS.coffee, 2500, 301)}\n\n=== ARTICLE 2 ===\n${article(TOPICS.transit, 2500, 302)}`, {
    note: 'needle search; the answer (rest breaks) is stated plainly',
  });
}

// =============================================================================================
// Structured output and tool use.
{
  const c = 'structured';
  const weather = tool('get_weather', 'Current weather for a city', { city: str(), unit: { type: 'string', enum: ['c', 'f'] } }, ['city']);
  const flights = tool('search_flights', 'Search flights', { from: str('IATA code or city'), to: str('IATA code or city'), date: str('YYYY-MM-DD'), passengers: num() }, ['from', 'to', 'date']);
  const sendEmail = tool('send_email', 'Send an email', { to: str(), subject: str(), body: str() });
  const timer = tool('set_timer', 'Start a countdown timer', { seconds: num() });
  const calc = tool('calculator', 'Evaluate an arithmetic expression', { expression: str() });
  const lookupOrder = tool('lookup_order', 'Look up an order by number', { order_number: str() });
  const search = tool('web_search', 'Search the web', { query: str() });
  const calendarEvent = tool('create_calendar_event', 'Create a calendar event', { title: str(), start: str('ISO 8601'), end: str('ISO 8601'), attendees: { type: 'array', items: str() } }, ['title', 'start', 'end']);
  const today = 'Today is Wednesday, 12 June 2024. The user is in Europe/London.';

  add(c, 'weather', true, 30, "What's the weather like in Paris right now?", { tools: [weather] });
  add(c, 'flights', true, 60, 'Find me flights from New York to London on June 3rd for two people', { tools: [flights], system: today });
  add(c, 'signature-json', true, 40, 'Extract the contact from this signature:\n\nCheers,\nTomás Ferreira\nOps Lead, Caravela Freight\ntomas.ferreira@caravela.example', {
    response_format: jsonSchema('contact', obj({ name: str(), email: str(), company: str() })),
  });
  add(c, 'sentiment-json', true, 30, 'Review: "Delivery was late but the blender is fantastic, really powerful and easy to clean."', {
    system: 'Classify the sentiment of the review.',
    response_format: jsonSchema('sentiment', obj({ label: { type: 'string', enum: ['positive', 'negative', 'mixed'] }, confidence: num() })),
  });
  add(c, 'send-email', true, 80, 'Email jo@hartwell.example with the subject "Friday" and tell her I can’t make the 3pm but 4pm works.', { tools: [sendEmail] });
  add(c, 'timer', true, 20, 'set a timer for 10 minutes', { tools: [timer] });
  add(c, 'json-object-fruits', true, 25, 'Give me a JSON array of three fruit names, nothing else.', { response_format: { type: 'json_object' } });
  add(c, 'ticket-category', true, 40, "Ticket: \"I was charged twice for my subscription this month, please refund one of them.\"", {
    system: 'Route the support ticket.',
    response_format: jsonSchema('route', obj({ category: { type: 'string', enum: ['billing', 'technical', 'account', 'shipping', 'other'] }, urgent: { type: 'boolean' } })),
  });
  add(c, 'calculator', true, 30, "what's 17*23", { tools: [calc] });
  add(c, 'order-status', true, 40, "Where's my order? It's #BH-55871", { tools: [lookupOrder], system: SUPPORT_SYSTEM });
  add(c, 'next-week-range', true, 40, 'What date range is "next week"?', {
    system: today,
    response_format: jsonSchema('range', obj({ start: str('YYYY-MM-DD'), end: str('YYYY-MM-DD') })),
  });
  const home = ['living room', 'kitchen', 'bedroom', 'hall', 'garden', 'office'];
  const homeTools = [
    tool('set_light', 'Turn a light on/off or dim it', { room: { type: 'string', enum: home }, on: { type: 'boolean' }, brightness: num('0-100') }, ['room', 'on']),
    tool('set_thermostat', 'Set target temperature', { room: { type: 'string', enum: home }, celsius: num() }),
    tool('lock_door', 'Lock or unlock a door', { door: { type: 'string', enum: ['front', 'back', 'garage'] }, locked: { type: 'boolean' } }),
    tool('play_music', 'Play music in a room', { room: { type: 'string', enum: home }, query: str() }),
    tool('stop_music', 'Stop music', { room: { type: 'string', enum: home } }),
    tool('set_blinds', 'Open or close blinds', { room: { type: 'string', enum: home }, open_percent: num() }),
    tool('start_vacuum', 'Start the robot vacuum', { rooms: { type: 'array', items: { type: 'string', enum: home } } }),
    tool('get_camera_snapshot', 'Snapshot from a camera', { camera: { type: 'string', enum: ['door', 'garden', 'garage'] } }),
    tool('set_alarm', 'Arm or disarm the alarm', { armed: { type: 'boolean' }, mode: { type: 'string', enum: ['home', 'away'] } }, ['armed']),
    tool('add_shopping_item', 'Add to shopping list', { item: str(), quantity: num() }, ['item']),
    tool('get_energy_usage', 'Energy usage for a period', { period: { type: 'string', enum: ['today', 'week', 'month'] } }),
    tool('water_garden', 'Run the garden sprinklers', { minutes: num() }),
    tool('set_scene', 'Apply a lighting scene', { scene: { type: 'string', enum: ['movie', 'dinner', 'reading', 'night'] } }),
    tool('announce', 'Speak a message on speakers', { message: str(), rooms: { type: 'array', items: { type: 'string', enum: home } } }, ['message']),
    tool('get_weather', 'Local weather', {}, []),
  ];
  add(c, 'smart-home-lights', true, 40, 'turn off the living room lights', { tools: homeTools, note: '15 tools defined, one obvious call' });
  add(c, 'product-json', true, 60, 'Listing: "Nordlicht electric kettle, 1.7 L, brushed steel — now £34.99 (was £44.99). Only 3 left in stock!"', {
    response_format: jsonSchema('product', obj({ title: str(), price: num(), currency: str(), in_stock: { type: 'boolean' } })),
  });
  add(c, 'no-tool-needed', true, 20, 'How do you say "good morning" in Japanese?', { tools: [search, calc], note: 'tools available but none needed' });
  add(c, 'quiz-json', true, 350, 'Make 5 multiple-choice quiz questions about the solar system for 12-year-olds.', {
    response_format: jsonSchema('quiz', obj({ questions: { type: 'array', items: obj({ question: str(), options: { type: 'array', items: str() }, answer_index: { type: 'integer' } }) } })),
  });
  add(c, 'lunch-with-mom', true, 60, 'lunch with mum on Friday at noon, an hour', { tools: [calendarEvent], system: today });
  add(
    c,
    'team-meeting-plan',
    false,
    300,
    'Set up a 45-minute meeting with everyone on the design team next week when they are all free, avoiding 12:00–14:00, and email them an agenda covering the Q3 roadmap and hiring.',
    {
      system: today,
      tools: [
        tool('list_team', 'List members of a team', { team: str() }),
        tool('get_free_busy', 'Busy intervals for people between two times', { emails: { type: 'array', items: str() }, from: str(), to: str() }),
        calendarEvent,
        sendEmail,
      ],
      note: 'multi-step tool plan with dependent calls and a scheduling constraint',
    },
  );
  add(c, 'invoice-nested', false, 500, `Turn this into the invoice JSON. Compute line totals and VAT yourself.

hi, please invoice Sandgate Books (accounts@sandgate.example), PO 7781 — 2000 A5 flyers at 4.5p each, 25 A2 posters @ £3.20, and design time 3.5h at £45/h but knock 10% off the design because of the delay. VAT 20% on everything except the design which is zero-rated for them apparently. Due in 30 days from today (12/06/2024).`, {
    response_format: jsonSchema(
      'invoice',
      obj({
        customer: obj({ name: str(), email: str(), po: str() }),
        lines: { type: 'array', items: obj({ description: str(), quantity: num(), unit_price: num(), discount_pct: num(), vat_rate: num(), line_total: num() }) },
        subtotal: num(),
        vat: num(),
        total: num(),
        due_date: str('YYYY-MM-DD'),
      }),
    ),
    note: 'units (pence), a discount and mixed VAT rates; arithmetic must be right',
  });
  add(c, 'ambiguous-transfer', false, 80, 'send 200 to Alex for the tickets', {
    system: `${today}\nContacts: Alex Morgan (alex.m@example.com), Alex Chen (achen@example.com). Currency: GBP.`,
    tools: [tool('transfer_money', 'Send money to a contact. Irreversible.', { recipient_email: str(), amount: num(), currency: str(), reference: str() })],
    note: 'the right move is to ask which Alex before an irreversible call; small models pick one',
  });
  add(c, 'knowledge-graph', false, 600, 'Extract entities and relations from this text: "Halden Logistics, a Norwegian subsidiary of Brann Group, acquired the Gdańsk-based start-up Portly in 2022. Portly\'s founder, Ewa Nowak, became Halden\'s CTO, replacing Lars Eide, who moved to Brann\'s board. Portly\'s routing software now runs at Halden\'s terminals in Oslo and Bergen."', {
    response_format: jsonSchema(
      'graph',
      obj({
        entities: { type: 'array', items: obj({ id: str(), name: str(), type: { type: 'string', enum: ['person', 'organisation', 'place', 'product'] } }) },
        relations: { type: 'array', items: obj({ subject: str(), predicate: str(), object: str(), year: { type: ['integer', 'null'] } }) },
      }),
    ),
    note: 'consistent ids, role changes, implicit relations',
  });
  add(
    c,
    'conflicting-tool-results',
    false,
    250,
    [
      { role: 'system', content: 'You are a travel assistant. Use the tools, then answer the user.' },
      { role: 'user', content: 'Is my flight BA 2490 tomorrow still on time, and will I make my connection in Madrid?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'flight_status', arguments: '{"flight":"BA2490","date":"2024-06-13"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_booking', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"flight":"BA2490","status":"delayed","scheduled_arrival":"2024-06-13T11:05+02:00","estimated_arrival":"2024-06-13T12:20+02:00","terminal":"4S"}' },
      { role: 'tool', tool_call_id: 'call_2', content: '{"segments":[{"flight":"BA2490","to":"MAD","arr":"2024-06-13T11:05+02:00"},{"flight":"IB6401","from":"MAD","dep":"2024-06-13T13:00+02:00","terminal":"4"}],"min_connection_minutes":60}' },
    ],
    { tools: [tool('flight_status', 'Status of a flight', { flight: str(), date: str() }), tool('get_booking', 'The user’s booking', {}, [])], note: 'synthesise two results: 40 min left vs a 60 min minimum, 4S→4 needs a train' },
  );
  add(c, 'sql-window', false, 300, 'For each region, which sales rep had the biggest month-over-month increase in revenue last month, and by how much?', {
    system: 'You answer questions by writing one Postgres query and calling run_sql. Schema: reps(id, name, region_id), regions(id, name), deals(id, rep_id, amount_cents, closed_at timestamptz, status text  -- "won" | "lost" | "open").',
    tools: [tool('run_sql', 'Run a read-only SQL query', { query: str() })],
    note: 'window functions, month boundaries, won-only filter, ties',
  });
  add(c, 'transcript-events-json', false, 500, `Extract every dated commitment from this transcript.\n\n${transcript(4000, 311, {
    speakers: ['Priya', 'Marcus', 'Elena', 'Tom'],
    planted: [
      [0.3, 'Tom: I will have the security review done by the 10th.'],
      [0.5, 'Elena: Marketing copy is mine, due on the 14th at the latest.'],
      [0.75, 'Priya: Actually Tom, can you move the security review to the 8th? The auditors arrive on the 9th. — Tom: OK, the 8th.'],
    ],
  })}`, {
    response_format: jsonSchema('commitments', obj({ items: { type: 'array', items: obj({ owner: str(), what: str(), due: str() }) } })),
    note: 'structured extraction over a long noisy transcript, with one date changed later on',
  });
  add(c, 'trip-tools', false, 600, 'Plan and book a 3-city trip in Italy for 6 nights in September for two, total under €2,000 including flights from Amsterdam. Book everything once you have a plan that fits.', {
    tools: [flights, tool('search_hotels', 'Search hotels', { city: str(), check_in: str(), check_out: str(), guests: num() }), tool('search_trains', 'Search trains', { from: str(), to: str(), date: str() }), tool('book', 'Book an offer by id. Charges the card on file.', { offer_id: str() })],
    system: today,
    note: 'long multi-tool plan under a budget, with irreversible calls',
  });
  add(c, 'clause-risk', false, 250, 'Clause: "The Supplier may suspend the Services without notice if it reasonably suspects that the Customer’s use of the Services infringes any third-party right, and shall have no liability for any such suspension."', {
    system: 'Classify the contract clause for a risk register.',
    response_format: jsonSchema(
      'clause_risk',
      obj({
        category: { type: 'string', enum: ['term', 'termination', 'payment', 'liability', 'indemnity', 'ip', 'confidentiality', 'data', 'suspension', 'sla', 'governing_law', 'other'] },
        favours: { type: 'string', enum: ['supplier', 'customer', 'neutral'] },
        risk: { type: 'integer', minimum: 1, maximum: 5 },
        rationale: str(),
        suggested_redline: str(),
      }),
    ),
    note: 'legal judgement and a usable redline inside a schema',
  });
}

// =============================================================================================
// The messy half (issue #13): typos, pasted logs, OCR-like text, other languages, long pastes
// with a simple ask, short hard questions phrased plainly — eval/messy-set.ts.
addMessy(add);

// =============================================================================================

const categories = new Map<string, { n: number; small: number }>();
const ids = new Set<string>();
for (const it of items) {
  if (ids.has(it.id)) throw new Error(`duplicate id ${it.id}`);
  ids.add(it.id);
  const s = categories.get(it.category) ?? { n: 0, small: 0 };
  s.n++;
  if (it.small_ok) s.small++;
  categories.set(it.category, s);
}
for (const [name, s] of categories) {
  if (s.n < 20) throw new Error(`category ${name} has only ${s.n} items`);
}

const out = new URL('./router-set.json', import.meta.url);
writeFileSync(out, `${JSON.stringify({ version: 1, generated_by: 'eval/build-router-set.ts', items }, null, 1)}\n`);
const tokens = items.map((it) => Math.ceil(it.messages.reduce((n, m) => n + (m.content?.length ?? 0), 0) / 4));
console.log(`wrote ${items.length} items to ${out.pathname}`);
for (const [name, s] of categories) console.log(`  ${name.padEnd(15)} ${String(s.n).padStart(3)} items, ${s.small} small-ok`);
console.log(`  prompts: ${tokens.filter((t) => t >= 1000).length} of ≥1k tokens, ${tokens.filter((t) => t > 6000).length} over 6k, longest ${Math.max(...tokens)}`);
