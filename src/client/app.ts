/**
 * Which screen is showing, and the one call session. Screens: home, pre-join, call, ended
 * (left / failed / invalid link). `document.body.dataset.state` mirrors where we are:
 * home, prejoin, connecting, connected, reconnecting, failed, left (and invalid-link).
 */
import { detectLanguage, onLanguageChange, setLanguage, t, type MessageKey } from './i18n/index.js';
import { LocalMedia } from './media/local-media.js';
import { parseRoute } from './routes.js';
import { CallSession, type ConnectionState } from './session/session.js';
import { installTestHook } from './session/test-hook.js';
import { save } from './storage.js';
import { callView } from './ui/call.js';
import { endedView } from './ui/ended.js';
import { homeView } from './ui/home.js';
import { focusPrejoin, prejoinView } from './ui/prejoin.js';
import { errorMessageKey } from './ui/server-errors.js';

type PageState = 'home' | 'prejoin' | 'invalid-link' | ConnectionState;

export class App {
  private session: CallSession | null = null;
  private media = new LocalMedia();
  private disposeView: (() => void) | null = null;
  private showing: 'home' | 'prejoin' | 'call' | 'ended' | null = null;
  private titleKey: MessageKey = 'title.home';

  constructor(private readonly root: HTMLElement) {
    installTestHook(() => this.session);
    onLanguageChange(() => (document.title = t(this.titleKey)));
    // Closing the tab: say goodbye so the others see us leave at once.
    window.addEventListener('pagehide', () => this.session?.leave());
  }

  start(): void {
    setLanguage(detectLanguage());
    const route = parseRoute(location.pathname);
    if (route.page === 'home') this.showHome();
    else if (route.page === 'meeting') this.showPrejoin(route.meetingId);
    else this.showInvalidLink();
  }

  private mount(view: 'home' | 'prejoin' | 'call' | 'ended', el: HTMLElement, state: PageState, title: MessageKey, dispose?: () => void): void {
    this.disposeView?.();
    this.disposeView = dispose ?? null;
    this.showing = view;
    this.root.replaceChildren(el);
    this.titleKey = title;
    document.title = t(title);
    setBodyState(state);
  }

  private showHome(): void {
    this.mount('home', homeView(), 'home', 'title.home');
  }

  private showInvalidLink(): void {
    this.mount('ended', endedView({ title: 'prejoin.invalidMeeting.title', message: 'prejoin.invalidMeeting', tone: 'error' }), 'invalid-link', 'title.home');
  }

  private showPrejoin(meetingId: string): void {
    const view = prejoinView({ meetingId, media: this.media, onJoin: (name) => this.join(meetingId, name) });
    this.mount('prejoin', view.el, 'prejoin', 'title.meeting', view.dispose);
    focusPrejoin(this.root);
  }

  private join(meetingId: string, name: string): void {
    save('name', name);
    const session = new CallSession({ meetingId, name, media: this.media });
    this.session = session;
    session.events.on('state', (state) => {
      if (state === 'left' || state === 'failed') this.showEnded(session);
      else if (this.showing !== 'call') this.showCall(session);
      setBodyState(state);
    });
    this.showCall(session);
    void session.start();
  }

  private showCall(session: CallSession): void {
    const view = callView(session, this.media, () => session.leave());
    this.mount('call', view.el, session.state, 'title.meeting', view.dispose);
  }

  private showEnded(session: CallSession): void {
    const left = session.state === 'left';
    const el = endedView({
      title: left ? 'state.left.title' : 'state.failed.title',
      message: left ? 'state.left.body' : session.error ? errorMessageKey(session.error) : 'state.failed.body',
      tone: left ? 'neutral' : 'error',
      onRejoin: () => void session.start(),
    });
    this.mount('ended', el, session.state, 'title.meeting');
    el.querySelector<HTMLElement>('#rejoin')?.focus();
  }
}

function setBodyState(state: PageState): void {
  document.body.dataset.state = state;
}
