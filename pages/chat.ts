// The chat page: the AI SDK's own chat client against `POST /v1/chat` (the UI-message stream).
// `ai` ships the framework-free core (AbstractChat + DefaultChatTransport); React/Vue/Svelte add
// only a reactive state. Here the state is a plain object that re-renders the page on change.
import { AbstractChat, DefaultChatTransport, type ChatInit, type ChatState, type ChatStatus, type UIMessage } from 'ai';
import { clearOutput, form, gatewayExtension, showAnswer, showError, showMeta, showSources, setStatus, type GatewayMeta } from './ui.ts';

type GatewayMessage = UIMessage<GatewayMeta>;

/** ChatState whose every change calls `onChange` (what a framework's reactive store would do). */
class PageState implements ChatState<GatewayMessage> {
  #status: ChatStatus = 'ready';
  #error: Error | undefined;
  #messages: GatewayMessage[] = [];

  constructor(private readonly onChange: () => void) {}

  get status() { return this.#status; }
  set status(s) { this.#status = s; this.onChange(); }
  get error() { return this.#error; }
  set error(e) { this.#error = e; this.onChange(); }
  get messages() { return this.#messages; }
  set messages(m) { this.#messages = m; this.onChange(); }

  pushMessage = (m: GatewayMessage) => { this.messages = [...this.#messages, m]; };
  popMessage = () => { this.messages = this.#messages.slice(0, -1); };
  replaceMessage = (i: number, m: GatewayMessage) => { this.messages = this.#messages.with(i, m); };
  snapshot = <T>(thing: T): T => thing;
}

class Chat extends AbstractChat<GatewayMessage> {
  constructor(init: Omit<ChatInit<GatewayMessage>, 'messages'>, onChange: () => void) {
    super({ ...init, state: new PageState(onChange) });
  }
}

const STATUS: Record<ChatStatus, string> = { submitted: 'waiting…', streaming: 'streaming…', ready: 'done', error: 'error' };
let stopped = false;

const chat: Chat = new Chat(
  {
    transport: new DefaultChatTransport({
      api: 'v1/chat',
      // Resolved on every request, so edits to the form apply to the next question.
      headers: () => ({ authorization: `Bearer ${form.key.value.trim()}` }),
      body: () => ({ model: form.model.value.trim() || 'auto', gateway: gatewayExtension() }),
    }),
    onError: showError,
  },
  // A microtask later: one render per burst of deltas, and never before `chat` is assigned.
  () => queueMicrotask(render),
);

function render(): void {
  const busy = chat.status === 'submitted' || chat.status === 'streaming';
  setStatus(!busy && stopped ? 'stopped' : STATUS[chat.status], busy);
  const answer = chat.messages.findLast((m) => m.role === 'assistant');
  if (!answer) return;
  showSources(
    answer.parts.flatMap((p) =>
      p.type === 'source-document' ? [{ title: p.title, detail: p.filename }] : p.type === 'source-url' ? [{ title: p.title ?? p.url, detail: p.url }] : [],
    ),
  );
  showAnswer(answer.parts.map((p) => (p.type === 'text' ? p.text : '')).join(''));
  if (answer.metadata) showMeta(answer.metadata);
}

form.root.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = form.question.value.trim();
  if (!text) return;
  // One question at a time: the page shows one answer with its sources and trace.
  stopped = false;
  clearOutput();
  chat.messages = [];
  void chat.sendMessage({ text });
});

form.stop.addEventListener('click', () => {
  // Aborts the fetch; the gateway sees the stream cancelled and cancels the provider call.
  stopped = true;
  void chat.stop();
});
