// The messy half of the router's labelled set (issue #13): requests as they arrive from real
// clients rather than as they are written in a textbook — typos and slang, pasted stack traces and
// logs, OCR-like text, other languages, long pasted documents with a simple ask, and short hard
// questions phrased plainly. Included by eval/build-router-set.ts; same rules as there: each label
// (`small_ok`, `expected_output_tokens`) is a judgement about the task — would an 8B / mini-class
// model answer it acceptably? — made without looking at the router's rules or its features.
import { TOPICS, article, chatLog, policyDoc, HANDBOOK_SECTIONS, reviews, serverLogs, transcript } from './passages.ts';

export type Add = (category: string, id: string, small_ok: boolean, out: number, prompt: string, extra?: { note?: string; max_tokens?: number; system?: string }) => void;

export function addMessy(add: Add): void {
  typos(add);
  pastedLogs(add);
  ocr(add);
  multilingual(add);
  longPaste(add);
  plainHard(add);
}

// ---------------------------------------------------------------------------------------------
// Typos, slang, no punctuation: the task is what decides, not the spelling.
function typos(add: Add): void {
  const c = 'typos';
  add(c, 'captial-france', true, 10, 'whats teh captial of france');
  add(c, 'recipie-pancake', true, 150, 'gimme a quick pancake recipie for 2 ppl no eggs pls');
  add(c, 'pyhton-sort', true, 80, 'how to sort a dict by value in pyhton');
  add(c, 'speling-help', true, 20, 'is it "definately" or "definitely" lol i always forget');
  add(c, 'thx', true, 15, 'thx u r the best!!!!');
  add(c, 'wether-tmrw', true, 40, 'shud i bring an umbrela tmrw if its 60% chance of rain');
  add(c, 'excell-sum', true, 60, 'excell formula to add up colum B only if colum A says "paid"');
  add(c, 'meaning-ubiquitous', true, 30, 'wat does ubiquitus mean');
  add(c, 'convert-kg', true, 20, '75 kilos in pounds?? quick');
  add(c, 'emial-boss', true, 120, 'write short emial to my boss saying im sick today wont be in, sound profesional');
  add(c, 'gitt-branch', true, 60, 'how do i make new brnach in gitt and swich to it');
  add(c, 'movie-rec', true, 100, 'sugest a feel good movie for tonite, nothing to long');
  add(c, 'percent-raise', true, 30, 'my salry went from 42k to 46k whats the % raise');
  add(c, 'css-bold', true, 30, 'css make text bold??');
  add(c, 'transl8-thanks', true, 20, 'how u say thank you in italian');
  add(c, 'bday-ideas', true, 120, 'bday gift ideas for my dad who likes fishing and hates clutter, under 50 bucks');
  add(c, 'regex-emial', true, 60, 'regx to check an emial adress, simple one is fine');
  add(c, 'proove-infinite', false, 400, 'can u proove theres infinitly many primes of form 4k+3 i kno the normal one but not this one', {
    note: 'the 4k+3 variant needs a non-obvious construction (4·p1…pn − 1); small models fumble the mod-4 step',
  });
  add(c, 'mutex-wierd', false, 450, 'my c++ programm sometimes hangs forever when 2 threads both lock mutex A then B but other fn locks B then A?? only happens like once a day in prod, how do i fix it properly not just add sleep', {
    note: 'lock-order deadlock; the fix (global order, std::scoped_lock) is known but the diagnosis under typos is still large-tier work',
  });
  add(c, 'tax-situ', false, 400, 'im freelancer in germany and also have a part time job, do i need to pay the vat on my freelance invoices if i made like 19k last yr and expect 28k this yr?? kleinunternehmer thing confuses me', {
    note: 'current Kleinunternehmer thresholds (changed in 2025) and the prior/current-year test; small models give stale or wrong thresholds',
  });
  add(c, 'riddle-logic', false, 200, 'ok riddle: 3 ppl, one always lies one always tells truth one random. u get 3 yes/no q to figure out who is who. how', {
    note: 'the "hardest logic puzzle" variant; needs embedded-question reasoning',
  });
  add(c, 'sql-dupes-prob', false, 350, 'my query returns dupliate rows after i added a 2nd left join to payments, and sum(amount) is now way to high. how to fix w/out distinct hack', {
    note: 'fan-out from joining two one-to-many tables; needs pre-aggregation in subqueries; small models suggest DISTINCT',
  });
  add(c, 'bayes-test', false, 250, 'if a test is 99% acurate and the disease is 1 in 10000, and i test positve whats the chance i actualy have it? explain', {
    note: 'base-rate reasoning; small models often answer 99%',
  });
  add(c, 'essay-fix', false, 600, 'can u rewrite my cover letter so it dosnt sound generic, i want it to show i actually know there product (its a climate data startup, they do satellite methane detection) and not just say "passionate" 10 times. i have 3 yrs as data analyst at a utility company', {
    note: 'specific, non-generic writing grounded in the domain; small models produce the generic letter the user complains about',
  });
  add(c, 'kid-math', true, 40, 'my kid asks why 0.999 repeating = 1, explain simple for a 10 yr old');
  add(c, 'contract-q', false, 300, 'landlord says i have to pay for repanting whole flat when i move out after 6 yrs (uk), walls just normal wear. is that legit', {
    note: 'fair wear and tear, deposit protection, apportionment by the decoration\'s lifespan; small models give vague answers',
  });
}

// ---------------------------------------------------------------------------------------------
// Pasted stack traces and logs with a question.
function pastedLogs(add: Add): void {
  const c = 'pasted-logs';
  add(c, 'npm-enoent', true, 80, `npm ERR! code ENOENT
npm ERR! syscall open
npm ERR! path /home/dev/app/package.json
npm ERR! errno -2
npm ERR! enoent ENOENT: no such file or directory, open '/home/dev/app/package.json'
npm ERR! enoent This is related to npm not being able to find a file.

what does this mean`, { note: 'run from the wrong folder; trivial' });
  add(c, 'py-keyerror', true, 80, `Traceback (most recent call last):
  File "report.py", line 14, in <module>
    total += row["amount"]
KeyError: 'amount'

why`, { note: 'column name differs; small models explain and suggest .get or checking headers' });
  add(c, 'java-npe', true, 120, `Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null
	at com.acme.Greeter.greet(Greeter.java:12)
	at com.acme.Main.main(Main.java:5)
fix?`);
  add(c, 'docker-port', true, 60, `docker: Error response from daemon: driver failed programming external connectivity on endpoint web (3f2a...): Bind for 0.0.0.0:8080 failed: port is already allocated.`, { note: 'bare error, implied question' });
  add(c, 'git-rejected', true, 80, ` ! [rejected]        main -> main (fetch first)
error: failed to push some refs to 'github.com:acme/site.git'
hint: Updates were rejected because the remote contains work that you do
hint: not have locally.
what do i do`);
  add(c, 'ts-type-error', true, 100, `src/user.ts:8:5 - error TS2322: Type 'string | undefined' is not assignable to type 'string'.
  Type 'undefined' is not assignable to type 'string'.

8     name: process.env.USER_NAME,
      ~~~~`);
  add(c, 'nginx-502', true, 120, `2024/05/14 02:11:09 [error] 3117#3117: *8812 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.3.7, server: api.example.com, request: "GET /health HTTP/1.1", upstream: "http://127.0.0.1:3000/health"

site shows 502 bad gateway, what's wrong`, { note: 'the app on :3000 is not running; standard' });
  add(c, 'pip-ssl', true, 100, `WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)'))': /simple/requests/
how to fix on mac`, { note: 'Install Certificates.command; well known' });
  add(c, 'k8s-crashloop', true, 150, `NAME                     READY   STATUS             RESTARTS      AGE
api-7d9f8b6c5d-x2lqk     0/1     CrashLoopBackOff   7 (2m ago)    14m

kubectl logs says: Error: Cannot find module '/app/dist/server.js'
what now`, { note: 'the build output is missing from the image; straightforward' });
  add(c, 'log-count-errors', true, 40, `how many ERROR lines are in this

2024-05-14T01:50:01Z api INFO started
2024-05-14T01:50:03Z api ERROR db timeout
2024-05-14T01:50:04Z api INFO retry ok
2024-05-14T01:51:10Z api ERROR db timeout
2024-05-14T01:52:00Z api WARN slow
2024-05-14T01:53:22Z api ERROR upstream 503`);
  add(c, 'segv-core', false, 500, `our C service segfaults maybe once a week in prod, never in tests. core dump:
#0  0x00007f3a2c1e4a7d in __memmove_avx_unaligned_erms () from /lib/x86_64-linux-gnu/libc.so.6
#1  0x000055d1c3a0b2f1 in buf_append (b=0x55d1c4f3e2a0, data=0x7f3a1800b010, n=4096) at buf.c:41
#2  0x000055d1c3a0c7aa in on_read (conn=0x55d1c4f3e200) at conn.c:188
#3  0x000055d1c3a0d911 in loop_run (l=0x55d1c4e01000) at loop.c:97
(gdb) p *b
$1 = {data = 0x55d1c5100000, len = 61440, cap = 65536}
buf.c:
  38 void buf_append(buf_t *b, const void *data, size_t n) {
  39   if (b->len + n > b->cap) buf_grow(b, b->len + n);
  40   memcpy(b->data + b->len, data, n);
  41   b->len += n;
  42 }
buf_grow doubles cap until >= need but uses realloc and stores the result in a local. any idea`, {
    note: 'realloc result not stored back (or n past cap); needs careful reading of a partial dump',
  });
  add(c, 'pg-deadlock-log', false, 450, `ERROR:  deadlock detected
DETAIL:  Process 48211 waits for ShareLock on transaction 991823; blocked by process 48207.
	Process 48207 waits for ShareLock on transaction 991822; blocked by process 48211.
HINT:  See server log for query details.
CONTEXT:  while updating tuple (1203,7) in relation "accounts"
STATEMENT:  UPDATE accounts SET balance = balance - $1 WHERE id = $2

this is our transfer endpoint, it updates the two accounts one after the other in the order (from, to). happens a few times an hour at peak. whats the real fix`, {
    note: 'opposing transfers lock rows in opposite order; fix is ordering by id or SELECT … FOR UPDATE in id order',
  });
  add(c, 'oom-gc-log', false, 500, `[gc][info] GC(4411) Pause Young (Normal) (G1 Evacuation Pause) 3890M->3702M(4096M) 48.112ms
[gc][info] GC(4412) Pause Young (Normal) (G1 Evacuation Pause) 3941M->3790M(4096M) 51.004ms
[gc][info] GC(4413) To-space exhausted
[gc][info] GC(4413) Pause Young (Normal) (G1 Evacuation Pause) 4010M->3999M(4096M) 212.480ms
[gc][info] GC(4414) Pause Full (G1 Compaction Pause) 4095M->3950M(4096M) 3120.337ms
java.lang.OutOfMemoryError: Java heap space
	at java.util.Arrays.copyOf(Arrays.java:3537)
	at java.util.ArrayList.grow(ArrayList.java:237)
	at com.acme.report.ExportJob.collectRows(ExportJob.java:88)

the export job ran fine for a year and started dying last week. heap 4g. what's going on and what are my options besides more heap`, {
    note: 'live set growth vs leak, streaming the export, reading G1 logs; diagnosis plus design options',
  });
  add(c, 'react-hydration', false, 350, `Warning: Text content did not match. Server: "5/14/2024" Client: "14/05/2024"
Error: Hydration failed because the initial UI does not match what was rendered on the server.
    at throwOnHydrationMismatch (react-dom.development.js:12507)
only some users in europe see this. we render order dates with toLocaleDateString()`, {
    note: 'locale/timezone difference between server and client; the easy cause is named in the trace but a robust fix (format on server, pass timezone) is subtle',
  });
  add(c, 'race-flaky-ci', false, 450, `FAIL  test/queue.test.ts > drains in order
AssertionError: expected [ 1, 3, 2 ] to deeply equal [ 1, 2, 3 ]
 ❯ test/queue.test.ts:41:23
passes 19 out of 20 runs locally, fails more in CI. queue.push is async and awaits a db write before appending to the in-memory array. how to fix the queue not the test`, {
    note: 'ordering race across awaits; needs a design fix (sequence numbers or a serialising promise chain)',
  });
  add(c, 'tls-handshake-intermittent', false, 400, `curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to partner-api.example.net:443
only ~2% of calls from our k8s pods, never from laptops. started after we moved to the new NAT gateway. retries mostly succeed`, {
    note: 'SNAT port exhaustion / conntrack / MTU suspicion; infrastructure reasoning from sparse evidence',
  });
  add(c, 'rust-panic-index', true, 80, `thread 'main' panicked at src/main.rs:9:20:
index out of bounds: the len is 3 but the index is 3
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace
what does it mean`);
  add(c, 'go-nil-map', true, 80, `panic: assignment to entry in nil map

goroutine 1 [running]:
main.main()
	/tmp/main.go:7 +0x3c
exit status 2`);
  add(c, 'cors-error', true, 120, `Access to fetch at 'https://api.example.com/items' from origin 'http://localhost:5173' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.
how do i fix this in my express backend`);
  add(c, 'logs-latency-incident', false, 400, `Here are our API logs from the night of the incident. What happened, when did it start, and what was the likely cause?\n\n${serverLogs(3500, 901, [
    [0.4, 'orders-svc WARN pool stats active=20 idle=0 waiting=37'],
    [0.42, 'orders-svc ERROR timeout acquiring connection after 5000ms path=/v1/orders'],
    [0.45, 'api-gw ERROR upstream orders-svc status=504 latency_ms=5012'],
    [0.5, 'catalog-svc INFO deploy finished version=2024.05.14-1 (adds product-recommendation join on orders db)'],
    [0.7, 'orders-svc INFO pool stats active=6 idle=14 waiting=0'],
  ])}`, { note: 'the deploy line sits after the first errors in the text but the timestamps and pool stats matter; correlation over ~3.5k tokens of log noise' });
  add(c, 'logs-grep-status', true, 60, `list the request_ids that got a 500 in this log\n\n${serverLogs(1500, 911, [
    [0.3, 'api-gw INFO request_id=771203 method=POST path=/v1/payments/intent status=500 latency_ms=88'],
    [0.6, 'api-gw INFO request_id=771877 method=GET path=/v1/cart status=500 latency_ms=41'],
  ])}`, { note: 'a lookup over a pasted log; small models handle it' });
  add(c, 'logs-summary-simple', true, 100, `summarize what this service was doing, just a couple of lines\n\n${serverLogs(1200, 921, [])}`);
  add(c, 'webpack-module', true, 80, `Module not found: Error: Can't resolve 'lodash' in '/app/src/utils'
 @ ./src/utils/index.js 1:0-23`);
  add(c, 'memory-leak-node-heap', false, 450, `<--- Last few GCs --->
[1:0x5d4e3a0]  8521341 ms: Mark-sweep 2038.1 (2083.4) -> 2031.7 (2084.2) MB, 1841.2 / 0.0 ms  (average mu = 0.112, current mu = 0.021) allocation failure
FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
it's an express app with an in-process LRU for user sessions (max 50k entries) plus a Map we use to dedupe webhook ids. dies every ~2 days`, {
    note: 'the dedupe Map never evicts; a judgement over a plausible-looking design, plus a fix with TTLs',
  });
}

// ---------------------------------------------------------------------------------------------
// OCR-like text: broken words, l/1 and O/0 swaps, stray line breaks.
function ocr(add: Add): void {
  const c = 'ocr';
  add(c, 'receipt-total', true, 20, `whats the total on this receipt (scanned)

TESC0 EXTRA
MlLK 2 PlNT        1.45
BREAD WHlTE        0.95
BANANAS L00SE      0.82
T0TAL             £3.22
CARD             £3.22`);
  add(c, 'receipt-date', true, 20, `date of purchase?

CAFE R0MA  12 High St
Date: l4/O3/2024  Time 09:4l
Flat white  x2   6.80
Croissant   x1   2.60
T0TAL            9.40`);
  add(c, 'letter-sender', true, 30, `who sent this letter and what do they want

Dear Mr Okafor,
We are wr iting to inf orm you that your l ibrary card exp ires on 3l May. To re new, pl ease vis it any bra nch with proof of add ress.
Yours sin cerely,
Ha rbour Pu blic Libr ary`);
  add(c, 'fix-ocr-para', true, 150, `clean up this OCR text, fix the obvious errors only

Tbe quick brovvn fox jumps ovcr the lazy dog. Tliis sentence conta ins every letter of tbe alpbabet and is of ten used to test type writers and c0mputer key boards.`);
  add(c, 'business-card', true, 50, `get name, phone, email from this scanned card

JOHANNA  L1NDQVIST
Senior Arch itect
N0RDBYGG AB
+46 7O 123 45 67
johanna.l1ndqvist@nordbygg.se`, { note: 'the 1 in the email may be a real l: a fair answer flags it' });
  add(c, 'menu-prices', true, 80, `list dishes and prices from this menu scan

STARTERS
S0up of the day ..... 5.5O
Garlic bre ad ....... 4.00
MAINS
Fish & ch ips ....... l4.50
Mushr00m risotto .... 12.95`);
  add(c, 'bus-timetable', true, 40, `when is the next bus after 14:20 from this timetable scan

R0UTE 7  Town Centre -> Hospital
Mon-Fri  13:5O  14:l5  14:4O  15:l0  15:4O
Sat      l4:00  15:00`);
  add(c, 'medicine-label', true, 40, `what dose does this label say

IBUPR0FEN 2OOmg TABLETS
Take l-2 tablets every 4-6 h0urs.
D0 not take m0re than 6 tablets in 24 h0urs.`);
  add(c, 'book-page-summary', true, 120, `summarise this scanned page in 2 sentences

CHAPTER lll
The vil lage of Ashcombe lay at the f oot of the downs, and in the sum mer of l9l4 it knew n othing of the war that was ab out to take its y oung men. The bl acksmith, Thomas Reed, had three s ons, and all three would enlist by Christ mas. Their mot her kept their letters in a bis cuit tin that sur vives to this day in the parish museum.`);
  add(c, 'form-fields', true, 60, `fill in as json: name, dob, postcode from this scanned form

SURNAME: 0'BRIEN        F0RENAME(S): Siobhan
DATE 0F BIRTH: O7 / l1 / l988
P0STC0DE: BT7 lNN`);
  add(c, 'invoice-lines-ocr', true, 100, `extract invoice number and total

lNV0ICE N0: 2O24-O8l7
Descr iption          Qty   Amount
Consult ing hours      l2   l,44O.OO
Travel                  l     86.5O
T0TAL DUE                   l,526.5O`);
  add(c, 'handwritten-note', true, 60, `this is OCR of a handwritten note, what does it say

pls pick up rnilk + eggs, also ca ll grandrna she wants to know abt sunday. back by 6 xx`);
  add(c, 'table-reconstruct', false, 350, `This is OCR from a scanned lab report; the columns got scrambled. Rebuild the table (test, result, unit, reference range) and flag anything out of range.

Haem0globin   Result  l3.l   g/dL   Ref 13.0-l7.0
WBC  ll.8   x10^9/L  4.0-ll.0
Platelets   l5O    x10^9/L
   15O-4OO
Creatinine 1O9  umol/L   59-lO4
eGFR    >9O   mL/min/l.73m2
Sodium l38  mmol/L  l33-l46`, { note: 'merged/split cells and l/1 and O/0 confusions decide whether a value is out of range; errors matter' });
  add(c, 'contract-ocr-clauses', false, 450, `OCR of a scanned lease. Which clauses would stop me from subletting a room, and under what conditions could I?

7. ALIENATI0N
7.l The Tenant sha ll not assign, under let or part with p0ssession of the wh0le or any part of the Premises save as perm itted by clause 7.2.
7.2 The Tenant may under let a single r0om to a lodger pr0vided that (a) the Landl0rd's prior written c0nsent is 0btained, such c0nsent n0t to be unreas0nably withheld; (b) the Tenant remains in 0ccupation; and (c) the lodger is n0t granted exclusive p0ssession.
l2. F0RFEITURE
l2.l If the Tenant c0mmits a breach of clause 7 the Landl0rd may re-enter the Premises and this Lease shall determine.`, {
    note: 'legal reading across clauses through OCR noise, including what exclusive possession implies',
  });
  add(c, 'math-worksheet-ocr', false, 300, `OCR from my kid's worksheet, can you solve and explain q3

3. A tank is fil led by pipe A in 6 h0urs and by pipe B in 4 h0urs. A drain empties the full tank in l2 h0urs. If A and B are 0pened t0gether at 9:0O and the drain is 0pened at l0:0O, at what time is the tank full?`, {
    note: 'multi-step rates with a staggered start; small models commonly mis-handle the first hour',
  });
  add(c, 'old-newspaper-dates', false, 300, `OCR of an old newspaper column. Put the events in order with their dates; some dates are given relative to others.

SH1PPING NEWS. The s.s. Marlowe, which left Liverpo0l on the l2th inst., was rep0rted off Queens town three days later. Her sister ship the Corinna sa iled a week after the Marl owe departed and is exp ected at New Y0rk on the 28th. The Marl owe's arrival at New York, del ayed by fog, fell two days after the date first given by her agents, which was the 24th.`, { note: 'chained relative dates through OCR noise' });
  add(c, 'ocr-bank-statement-reconcile', false, 400, `OCR of two months of my bank statement. Which recurring payments went up between April and May, and by how much?

APRIL
0l/04  NETFL1X.COM         -10.99
03/04  SP0TIFY P2       -11.99
05/04  GYM FLEX LTD        -35.OO
l5/04  ELECTRIC C0 DD      -84.2O
28/04  MOBILE UK          -l8.00
MAY
0l/05  NETFLlX.COM         -l2.99
03/05  SPOTlFY P2       -11.99
05/05  GYM FLEX LTD        -39.0O
l5/05  ELECTRlC CO DD      -84.2O
28/05  M0BILE UK          -l9.50`, { note: 'matching merchants across OCR variants and reading l/1 O/0 correctly in amounts' });
  add(c, 'ocr-chemistry', false, 300, `OCR of my chemistry homework. Balance this and say how many grams of O2 react with 1O g of C3H8.

C3H8 + 02 -> C02 + H20`, { note: 'OCR turned O into 0; stoichiometry with a molar-mass computation' });
  add(c, 'ocr-poem-meaning', false, 300, `OCR of a poem by a little-known 19th c. poet, what is the volta and how does the final couplet change the meaning?

Wh en first I saw the h arbour in the rain
I thought the gr ey a curtain on the sea
...
So let the rain remain, for it is she
Who taught the h arbour how to think of me.`, { note: 'literary close reading of a partial, noisy text' });
  add(c, 'ocr-multi-col-article', true, 120, `this is OCR of a 2 column newspaper page so the lines are interleaved. what is the main story about?

C0UNCIL APPR0VES      Weather: sunny
NEW CYCLE LANES       spells with light
The city c0uncil      sh0wers in the
v0ted 9-4 last night  afterno0n, highs
to build 12 km of     0f 19C.
protected cycle       LOCAL SP0RT
lanes along the       Rovers drew l-l
ring road by 2026.    with City.`, { note: 'the gist survives the interleaving' });
  add(c, 'ocr-address-label', true, 40, `address from parcel label scan

T0: MS A. K0WALSKA
FLAT 2, l9 MlLL LANE
Y0RK  Y0l 7HQ`);
  add(c, 'ocr-recipe-scale', true, 100, `OCR of my nan's recipe card, double it please

SC0NES
2OOg self ra ising fl0ur
5Og butter
25g sugar
l25ml milk`);
  add(c, 'ocr-timetable-conflict', false, 250, `OCR of two school timetables. Find every slot where both kids need dropping off at different schools at the same time (I can't be in two places).

EMMA (St Ann's)            LEO (Park Rd)
M0n  8:4O  drop            M0n  8:4O drop
Tue  8:4O  drop; l5:3O swim Tue  9:l0 drop
Wed  8:l5  breakfast club   Wed  8:4O drop
Thu  8:4O  drop            Thu  8:4O drop; l5:3O chess
Fri  8:4O  drop            Fri  9:l0 drop`, { note: 'column alignment lost and drop-off vs pick-up to be inferred; exhaustive comparison' });
  add(c, 'ocr-warranty-question', true, 60, `scanned warranty card, how long is the warranty

WARRANTY
This pr0duct is guaranteed against manufac turing defects for 24 m0nths fr0m the date of purchase. Keep y0ur receipt.`);
}

// ---------------------------------------------------------------------------------------------
// Other languages: easy asks stay easy in any language; hard asks stay hard.
function multilingual(add: Add): void {
  const c = 'multilingual';
  add(c, 'es-capital', true, 10, '¿Cuál es la capital de Canadá?');
  add(c, 'es-receta', true, 200, 'Dame una receta fácil de tortilla de patatas para 4 personas.');
  add(c, 'es-correo', true, 120, 'Escribe un correo corto a mi profesor diciendo que no podré asistir a clase el jueves porque tengo cita médica.');
  add(c, 'de-zug', true, 60, 'Wie lange braucht der ICE ungefähr von Berlin nach München?');
  add(c, 'de-zusammenfassung', true, 80, 'Fasse in zwei Sätzen zusammen: Die Stadtverwaltung hat beschlossen, ab Juli alle Parkgebühren in der Innenstadt um 50 Cent pro Stunde zu erhöhen. Die Mehreinnahmen sollen in den Ausbau von Radwegen fließen. Einzelhändler befürchten weniger Kundschaft.');
  add(c, 'fr-traduction', true, 40, 'Traduis en anglais : « Je suis désolé, je serai en retard de dix minutes. »');
  add(c, 'fr-conseil', true, 150, "Que puis-je cuisiner ce soir avec des courgettes, du riz et des œufs ?");
  add(c, 'ja-capital', true, 15, 'オーストラリアの首都はどこですか？');
  add(c, 'ja-keigo', true, 80, '「明日休みます」を上司に言う丁寧な言い方を教えてください。');
  add(c, 'zh-weather', true, 60, '明天去北京旅游，十月份需要带什么衣服？');
  add(c, 'zh-translate', true, 30, '把"谢谢你的帮助"翻译成英文。');
  add(c, 'pt-horario', true, 30, 'Que horas são em Lisboa quando são 15h em São Paulo?');
  add(c, 'it-grazie', true, 60, 'Scrivi un breve messaggio di ringraziamento per una collega che va in pensione.');
  add(c, 'ko-greeting', true, 40, '영어로 "만나서 반갑습니다"는 어떻게 말해요?');
  add(c, 'ru-python', true, 100, 'Как в Python прочитать файл построчно?');
  add(c, 'es-prueba', false, 400, 'Demuestra que para todo entero n ≥ 1, la suma de los primeros n cubos es igual al cuadrado de la suma de los primeros n enteros, y explica por qué la inducción funciona aquí.', {
    note: 'a proof in Spanish; the English cue words do not appear',
  });
  add(c, 'de-vertrag', false, 500, 'Ich bin Mieter in Berlin. Mein Vermieter will die Miete um 15 % erhöhen und beruft sich auf den Mietspiegel, aber die Wohnung hat seit 2019 eine Staffelmiete. Ist die Erhöhung zulässig, und was muss ich jetzt tun? Bitte mit Begründung.', {
    note: 'German tenancy law (Staffelmiete excludes Mietspiegel increases, Kappungsgrenze); legal reasoning in German',
  });
  add(c, 'fr-concurrence', false, 500, "Notre service Java perd des mises à jour quand deux requêtes modifient le même panier en même temps. On utilise JPA avec @Transactional. Comment corriger proprement sans verrouiller toute la table ?", {
    note: 'lost updates; optimistic locking (@Version) vs SELECT FOR UPDATE; hard code question in French',
  });
  add(c, 'ja-probability', false, 300, 'サイコロを3回振ったとき、出た目の最大値がちょうど4になる確率を求めてください。途中の考え方も書いてください。', {
    note: 'P(max=4) = (4³−3³)/6³ = 37/216; counting in Japanese',
  });
  add(c, 'zh-architecture', false, 600, '我们的订单系统每天有两千万笔交易，现在用单个MySQL实例，主库CPU经常100%。请给出分库分表的方案，包括分片键的选择、跨分片查询和分布式事务怎么处理，以及迁移步骤。', {
    note: 'system design (sharding key, cross-shard queries, distributed transactions, migration) in Chinese',
  });
  add(c, 'es-logica', false, 250, 'Tres amigos — Ana, Bruno y Carla — dicen: Ana: "Bruno miente". Bruno: "Carla miente". Carla: "Ana y Bruno mienten". ¿Quién dice la verdad? Razónalo.', {
    note: 'knights-and-knaves style consistency check; small models often contradict themselves',
  });
  add(c, 'de-summary-long', true, 150, `Fasse diesen Artikel in drei Stichpunkten zusammen (auf Deutsch):\n\n${article(TOPICS.transit, 2500, 931)}`, {
    note: 'a German instruction over an English article: gist in another language is fine for a small model',
  });
  add(c, 'pt-matematica', false, 300, 'Quantos anagramas da palavra BANANA não têm duas letras A juntas? Mostre o raciocínio.', {
    note: 'constrained counting (arrange B,N,N then place 3 A in 4 gaps: 3 × 4 = 12); small models miscount',
  });
  add(c, 'fr-resume-contrat', false, 400, "Voici les conditions générales de notre fournisseur. Quelles clauses nous désavantagent par rapport à un contrat standard ? Clause 4 : le prestataire peut modifier les prix à tout moment avec un préavis de 15 jours. Clause 9 : la responsabilité du prestataire est limitée au montant payé le mois précédent. Clause 12 : renouvellement tacite pour 3 ans sauf résiliation 6 mois avant l'échéance. Clause 15 : droit applicable : loi de l'État du Delaware, tribunaux de Wilmington.", {
    note: 'judging clauses against market norms, in French',
  });
  add(c, 'ja-code-bug', false, 400, 'このGoのコードで、たまに同じメールが二回送信されます。原因と直し方を教えてください。\n```go\nfor _, u := range users {\n    go func() {\n        sendMail(u.Email)\n    }()\n}\n```\n（Go 1.20を使っています）', {
    note: 'loop-variable capture before Go 1.22, plus missing WaitGroup; the version detail matters',
  });
  add(c, 'it-riassunto', true, 100, 'Riassumi in una frase: La riunione di condominio è stata rinviata a martedì prossimo alle 21 perché l\'amministratore è malato. L\'ordine del giorno resta invariato: rifacimento della facciata e nuove regole per i rifiuti.');
}

// ---------------------------------------------------------------------------------------------
// Long pasted documents with a simple ask (and a few with a hard one).
function longPaste(add: Add): void {
  const c = 'long-paste';
  add(c, 'article-title', true, 20, `suggest a title for this\n\n${article(TOPICS.coffee, 3000, 941)}`);
  add(c, 'article-language', true, 10, `what language is this written in?\n\n${article(TOPICS.beekeeping, 2000, 942)}`);
  add(c, 'article-tldr-typo', true, 80, `tldr pls\n\n${article(TOPICS.transit, 5000, 943)}`);
  add(c, 'transcript-who-spoke', true, 30, `who were the speakers in this call?\n\n${transcript(3000, 944, { speakers: ['Nadia', 'Ravi', 'Chen'], planted: [] })}`);
  add(c, 'transcript-one-line', true, 50, `One-line summary of this meeting:\n\n${transcript(4000, 945, { speakers: ['Priya', 'Marcus', 'Elena'], planted: [[0.5, 'Priya: So the decision is to postpone the launch to October.']] })}`);
  add(c, 'handbook-leave', true, 40, `How many days of annual leave do new starters get?\n\n${policyDoc('Ardent Labs — Staff Handbook', HANDBOOK_SECTIONS.slice(0, 8), 3500, 946, {
    'Annual Leave': 'New employees receive 18 days of paid annual leave in their first year of service, rising to 22 days after two full years.',
  })}`, { note: 'a needle stated plainly' });
  add(c, 'reviews-sentiment', true, 60, `overall are these reviews positive or negative? one word + one sentence\n\n${reviews(60, 947)}`);
  add(c, 'chatlog-topic', true, 60, `what is this chat mostly about?\n\n${chatLog(3000, 948, ['jo', 'sam', 'priya', 'mike'], [])}`);
  add(c, 'article-translate-title', true, 30, `Translate only the title of this article into Spanish.\n\n${article(TOPICS.beekeeping, 2500, 949)}`);
  add(c, 'article-keywords', true, 40, `Give me 5 keywords for this piece, comma separated.\n\n${article(TOPICS.coffee, 4000, 950)}`);
  add(c, 'article-tweet', true, 60, `Write a tweet promoting this article.\n\n${article(TOPICS.transit, 3500, 951)}`);
  add(c, 'logs-first-timestamp', true, 30, `what's the first and last timestamp in this log?\n\n${serverLogs(3000, 952, [])}`);
  add(c, 'handbook-contact', true, 40, `Who do I contact about expenses according to this?\n\n${policyDoc('Ardent Labs — Finance Procedures', ['Purpose', 'Expenses and Travel', 'Purchasing', 'Month End'], 3000, 953, {
    'Expenses and Travel': 'Questions about expenses go to the finance inbox, finance@ardent.example, which is answered within two working days.',
  })}`);
  add(c, 'article-reading-level', true, 60, `Is this article suitable for a 12-year-old? Yes/no and why in one sentence.\n\n${article(TOPICS.beekeeping, 3000, 954)}`);
  add(c, 'transcript-next-meeting', true, 30, `When is the next meeting, per this transcript?\n\n${transcript(3500, 955, { speakers: ['Host', 'Ana', 'Tom'], planted: [[0.9, 'Host: Next sync is Thursday at 10, same link.']] })}`);
  add(c, 'article-plain-rewrite-para', true, 150, `Rewrite just the first paragraph of this in plain English.\n\n${article(TOPICS.coffee, 3000, 956)}`);
  add(c, 'reviews-count-stars-hard', false, 60, `exactly how many of these reviews mention the app, and how many of those are negative about it?\n\n${reviews(80, 957)}`, {
    note: 'exhaustive counting with a sentiment condition over ~4k tokens',
  });
  add(c, 'transcript-contradictions', false, 400, `Did anyone in this transcript contradict something they said earlier? Quote both statements.\n\n${transcript(5000, 958, {
    speakers: ['Priya', 'Marcus', 'Elena', 'Tom'],
    planted: [
      [0.2, 'Marcus: The vendor contract ends in March, so we have until then.'],
      [0.75, 'Marcus: Since the vendor contract runs to June, there is no rush on this.'],
    ],
  })}`, { note: 'cross-referencing two distant statements by one speaker' });
  add(c, 'article-factcheck', false, 400, `Check every number in this article against the others for internal consistency and list any that don't add up.\n\n${article(TOPICS.transit, 4000, 959, [
    [0.3, 'Ridership rose from 1.2 million to 1.5 million trips a month, an increase of 40 percent.'],
  ])}`, { note: 'arithmetic audit over a long text (the planted 25% vs 40%)' });
  add(c, 'logs-correlate', false, 400, `Using this log, work out which service degraded first and how the failure spread. Timeline please.\n\n${serverLogs(5000, 960, [
    [0.3, 'auth-svc WARN token cache miss storm keys=0 ratio=0.00'],
    [0.34, 'auth-svc WARN slow request path=/v1/session latency_ms=2900'],
    [0.4, 'api-gw ERROR upstream auth-svc status=504 latency_ms=5003'],
    [0.45, 'orders-svc ERROR auth check failed: upstream timeout'],
    [0.52, 'cart-svc ERROR auth check failed: upstream timeout'],
  ])}`, { note: 'causal ordering across services over a long log' });
  add(c, 'policy-compare-two', false, 450, `Compare these two versions of the policy and list every substantive change.\n\nVERSION 1\n${policyDoc('Travel Policy v1', ['Purpose', 'Expenses and Travel', 'Purchasing'], 1500, 961, {
    'Expenses and Travel': 'Economy class for flights under 6 hours; business class above 6 hours with director approval.',
  })}\n\nVERSION 2\n${policyDoc('Travel Policy v2', ['Purpose', 'Expenses and Travel', 'Purchasing'], 1500, 962, {
    'Expenses and Travel': 'Economy class for all flights under 8 hours; business class above 8 hours with CFO approval.',
  })}`, { note: 'diffing two long generated documents where most text differs only in filler' });
  add(c, 'article-quote-find', true, 60, `Find the sentence in this article that mentions a union, and quote it.\n\n${article(TOPICS.coffee, 3000, 963)}`, { note: 'needle lookup' });
  add(c, 'article-word-count-est', true, 20, `roughly how long is this, in words?\n\n${article(TOPICS.beekeeping, 2000, 964)}`);
  add(c, 'chatlog-who-most', false, 60, `who sent the most messages in this chat, and how many?\n\n${chatLog(3500, 965, ['jo', 'sam', 'priya', 'mike', 'lena'], [])}`, {
    note: 'exact counting per speaker over ~3.5k tokens; small models guess',
  });
  add(c, 'transcript-decisions-list', true, 120, `List the decisions made in this meeting (just the decisions).\n\n${transcript(3000, 966, {
    speakers: ['Priya', 'Marcus', 'Elena'],
    planted: [
      [0.3, 'Priya: Decision: we keep the current pricing for existing customers.'],
      [0.7, 'Elena: Agreed then, the beta opens to all customers on Monday.'],
    ],
  })}`, { note: 'two decisions stated plainly with the word "decision"/"agreed"' });
  add(c, 'handbook-eligibility-hard', false, 300, `Based on this handbook: I joined 20 months ago, worked 4 days a week for the first 8 months and full time since. How many leave days do I have this year, and can I carry any over?\n\n${policyDoc('Ardent Labs — Staff Handbook', HANDBOOK_SECTIONS.slice(0, 8), 3000, 967, {
    'Annual Leave': 'New employees receive 18 days of paid annual leave in their first year of service, rising to 22 days after two full years. Part-time staff receive leave pro rata. Up to five unused days may be carried into the next leave year with manager approval; carried days expire on 31 March.',
  })}`, { note: 'applying pro-rata and tenure rules to a specific case' });
}

// ---------------------------------------------------------------------------------------------
// Short hard questions phrased plainly, and plain easy ones that look alike.
function plainHard(add: Add): void {
  const c = 'plain-hard';
  add(c, 'monty-hall-variant', false, 200, "On a game show there are three doors. I pick one; the host, who doesn't know where the car is, opens another door at random and it happens to show a goat. Should I switch?", {
    note: 'the ignorant-host variant: switching does not help (1/2); small models recite the standard 2/3',
  });
  add(c, 'birthday-23', true, 120, 'Why is it that in a room of 23 people two probably share a birthday?', { note: 'famous, well explained in training data' });
  add(c, 'sleeping-beauty', false, 400, "What's the right answer to the Sleeping Beauty problem, and why do people disagree?");
  add(c, 'clock-angle', false, 80, 'What is the angle between the hands of a clock at 3:40?', { note: 'small models forget the hour hand moves' });
  add(c, 'wason', false, 150, 'Cards show A, K, 4 and 7. Rule: if a card has a vowel on one side it has an even number on the other. Which cards must you turn over to check the rule?', {
    note: 'Wason selection (A and 7); small models say A and 4',
  });
  add(c, 'bat-ball', true, 40, 'A bat and a ball cost $1.10; the bat costs $1 more than the ball. How much is the ball?', { note: 'famous trap, now reliably answered (5 cents)' });
  add(c, 'leap-seconds-design', false, 400, 'How should a billing system that charges per second handle a leap second?');
  add(c, 'why-sky-blue', true, 120, 'Why is the sky blue?');
  add(c, 'escrow-fairness', false, 450, 'Two people who do not trust each other want to swap a digital file for money online without a middleman. Is there any way to make it fair, and what are the limits?', {
    note: 'fair exchange impossibility, gradual release, smart-contract caveats',
  });
  add(c, 'same-birthday-3', false, 150, 'How many people do you need in a room for a better-than-even chance that three of them share a birthday?', {
    note: 'the triple-birthday answer (88) is not well known and hard to derive; small models say 23 or guess',
  });
  add(c, 'cooling-coffee', false, 250, 'I want my coffee as hot as possible in 10 minutes. Should I add the cold milk now or just before drinking?', {
    note: 'Newton cooling reasoning (add now); small models often get it backwards',
  });
  add(c, 'daylight-length', true, 80, 'Why are days longer in summer?');
  add(c, 'rope-burn', false, 150, 'I have two ropes that each take an hour to burn but burn unevenly. How do I measure 45 minutes?', { note: 'known puzzle but small models garble the steps' });
  add(c, 'rope-burn-20', false, 200, 'With three of those uneven one-hour ropes, can I measure exactly 20 minutes? How, or why not?', {
    note: 'a less-known variant; the honest answer needs careful reasoning about what lighting patterns can produce',
  });
  add(c, 'stack-vs-queue', true, 100, "What's the difference between a stack and a queue?");
  add(c, 'inheritance-uk', false, 400, 'My father died without a will in England. He was married to my stepmother, and had me and my brother from his first marriage. The estate is a house worth £600k and £150k savings. Who gets what?', {
    note: 'intestacy rules (statutory legacy £322k, personal chattels, half the rest); small models get the figures wrong',
  });
  add(c, 'leases-vs-buy', false, 400, 'For a small delivery business, is it better to lease or buy three vans? Walk through what actually decides it.');
  add(c, 'half-life', true, 40, 'If something has a half-life of 5 years, how much is left after 15 years?');
  add(c, 'pigeonhole-socks', true, 40, 'I have 10 black and 10 white socks in a drawer, in the dark. How many do I need to take to be sure of a pair?');
  add(c, 'two-children', false, 250, 'A family has two children and at least one is a boy born on a Tuesday. What is the chance both are boys?', {
    note: '13/27; small models say 1/2 or 1/3',
  });
  add(c, 'gps-relativity', false, 250, 'How big is the relativity correction for GPS satellite clocks, and in which direction do the two effects go?', {
    note: 'SR −7 µs/day, GR +45 µs/day, net +38; small models mix up signs and magnitudes',
  });
  add(c, 'refactor-plan-plain', false, 500, 'We have one big app that five teams all change every day and releases keep breaking each other. Should we split it up, and how would you do it without stopping feature work?', {
    note: 'architecture and migration strategy, phrased without code words',
  });
  add(c, 'boiling-altitude', true, 60, 'Why does water boil at a lower temperature on a mountain?');
  add(c, 'coin-flips-run', false, 200, 'If I flip a fair coin 10 times, what is the probability of getting at least three heads in a row somewhere?', {
    note: 'needs a recurrence (1 − 504/1024 ≈ 0.508); small models guess',
  });
  add(c, 'train-meet', true, 60, 'Two trains 300 km apart head toward each other at 70 and 80 km/h. When do they meet?');
  add(c, 'salary-negotiation', true, 200, "How do I ask for a raise without sounding pushy?");
}
