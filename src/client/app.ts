/**
 * Which screen is showing, and the one call session. Screens: home, pre-join (after a short
 * loading), call, ended (left / failed / invalid link / no such meeting). `document.body.dataset.state`
 * mirrors where we are: home, loading, prejoin, connecting, connected, reconnecting, failed, left
 * (and invalid-link, also for a meeting the server doesn't know).
 *
 * Secrets in the address's fragment (host key, host secret) are read and removed from the address
 * bar before anything else happens; see link-secrets.ts.
 */
import { fetchMeetingInfo } from './api.js';
import { detectLanguage, onLanguageChange, setLanguage, t, type MessageKey } from './i18n/index.js';
import { browserAddressBar, hasLinkSecrets, resolveHostSecret, SecretStore, takeLinkSecrets, type FragmentSecret } from './link-secrets.js';
import { LocalMedia } from './media/local-media.js';
import { parseRoute } from './routes.js';
import { CallSession, type ConnectionState } from './session/session.js';
import { installTestHook } from './session/test-hook.js';
import { save } from './storage.js';
import { deviceToken } from './device-token.js';
import { lobbyView } from './ui/lobby.js';
import { removedView } from './ui/removed.js';
import { callView } from './ui/call.js';
import { endedView } from './ui/ended.js';
import { homeView } from './ui/home.js';
import { loadingView } from './ui/loading.js';
import { focusPrejoin, prejoinView } from './ui/prejoin.js';
import { errorMessageKey, errorTitleKey } from './ui/server-errors.js';

type PageState = 'home' | 'loading' | 'prejoin' | 'invalid-link' | ConnectionState;
type View = 'home' | 'loading' | 'prejoin' | 'lobby' | 'call' | 'ended' | 'removed';

export class App {
  private session: CallSession | null = null;
  private media = new LocalMedia();
  private disposeView: (() => void) | null = null;
  private showing: View | null = null;
  private titleKey: MessageKey = 'title.home';
  private readonly secrets = new SecretStore();

  constructor(private readonly root: HTMLElement) {
    installTestHook(() => this.session);
    onLanguageChange(() => (document.title = t(this.titleKey)));
    // Closing the tab: say goodbye so the others see us leave at once.
    window.addEventListener('pagehide', () => this.session?.leave());
    // A link pasted into this tab that differs only after `#` doesn't load the page again: start
    // over so its secret is read (and hidden) like on a fresh load. Mid-call, just hide it.
    window.addEventListener('hashchange', () => {
      if (!hasLinkSecrets(location.hash)) return;
      if (this.showing === 'call') takeLinkSecrets(browserAddressBar());
      else location.reload();
    });
  }

  start(): void {
    setLanguage(detectLanguage());
    const fromLink = takeLinkSecrets(browserAddressBar());
    const route = parseRoute(location.pathname);
    if (route.page === 'home') {
      if (fromLink.hostKey.kind === 'valid') this.secrets.setHostKey(fromLink.hostKey.secret);
      this.showHome(fromLink.hostKey.kind === 'invalid');
    } else if (route.page === 'meeting') void this.openMeeting(route.meetingId, fromLink.hostSecret, fromLink.invite);
    else this.showInvalidLink();
  }

  private mount(view: View, el: HTMLElement, state: PageState, title: MessageKey, dispose?: () => void): void {
    this.disposeView?.();
    this.disposeView = dispose ?? null;
    this.showing = view;
    this.root.replaceChildren(el);
    this.titleKey = title;
    document.title = t(title);
    setBodyState(state);
  }

  private showHome(malformedHostKey: boolean): void {
    this.mount('home', homeView({ secrets: this.secrets, malformedHostKey }), 'home', 'title.home');
  }

  private showInvalidLink(): void {
    this.mount('ended', endedView({ title: 'prejoin.invalidMeeting.title', message: 'prejoin.invalidMeeting', tone: 'error' }), 'invalid-link', 'title.home');
  }

  /** A host secret from the link wins over the one this tab kept; then ask the server about the meeting. */
  private async openMeeting(meetingId: string, fromLink: FragmentSecret, invite: FragmentSecret): Promise<void> {
    const resolved = resolveHostSecret(fromLink, this.secrets.hostSecret(meetingId));
    if (!resolved.ok || invite.kind === 'invalid') return this.showInvalidLink();
    const hostSecret = resolved.secret;
    if (hostSecret) this.secrets.setHostSecret(meetingId, hostSecret);
    if (invite.kind === 'valid') this.secrets.setInviteToken(meetingId, invite.secret);
    this.mount('loading', loadingView('prejoin.loading'), 'loading', 'title.meeting');
    const info = await fetchMeetingInfo(meetingId);
    if (!info.ok && info.kind === 'not-found') {
      this.secrets.forgetHostSecret(meetingId);
      return this.showNotFound();
    }
    // Any other failure (throttled, offline): carry on without the title; joining will tell.
    this.showPrejoin(meetingId, info.ok ? info.info.title : null, hostSecret);
  }

  private showNotFound(): void {
    this.mount('ended', endedView({ title: 'error.meetingNotFound.title', message: 'error.meetingNotFound', tone: 'error' }), 'invalid-link', 'title.meeting');
  }

  private showPrejoin(meetingId: string, title: string | null, hostSecret: string | null, passwordPrompt: { serverMessage: string } | null = null): void {
    const view = prejoinView({
      meetingId,
      title,
      hostSecret,
      media: this.media,
      passwordPrompt,
      onJoin: (name, password) => this.join(meetingId, name, title, hostSecret, password),
    });
    this.mount('prejoin', view.el, 'prejoin', 'title.meeting', view.dispose);
    focusPrejoin(this.root);
  }

  private join(meetingId: string, name: string, title: string | null, hostSecret: string | null, password?: string): void {
    save('name', name);
    const session = new CallSession({
      meetingId,
      name,
      media: this.media,
      hostSecret,
      inviteToken: hostSecret ? null : this.secrets.inviteToken(meetingId),
      title: title ?? '',
      deviceToken: deviceToken(),
      password: password ?? null,
    });
    this.session = session;
    session.events.on('state', (state) => {
      if (this.session !== session) return;
      if (state === 'failed' && session.error === 'password-required') {
        // Back to the pre-join screen, now asking for the password.
        this.showPrejoin(meetingId, session.title || title, hostSecret, { serverMessage: session.errorMessage ?? '' });
        focusPrejoin(this.root);
        return;
      }
      if (state === 'left' || state === 'failed') this.showEnded(session);
      else if (state === 'removed') this.showRemoved(session);
      else if (state === 'lobby') {
        if (this.showing !== 'lobby') this.showLobby(session);
      } else if (this.showing !== 'call') this.showCall(session);
      setBodyState(state);
    });
    this.showCall(session);
    void session.start();
  }

  private showLobby(session: CallSession): void {
    const el = lobbyView(session.title, () => session.leave());
    this.mount('lobby', el, 'lobby', 'title.meeting');
    el.querySelector<HTMLElement>('#lobby-cancel')?.focus();
  }

  private showRemoved(session: CallSession): void {
    const el = removedView(session.removedReason ?? 'kicked');
    this.mount('removed', el, 'removed', 'title.meeting');
    el.querySelector<HTMLElement>('#go-home')?.focus();
  }

  private showCall(session: CallSession): void {
    const view = callView(session, this.media, () => session.leave());
    this.mount('call', view.el, session.state, 'title.meeting', view.dispose);
  }

  private showEnded(session: CallSession): void {
    const left = session.state === 'left';
    const error = left ? null : session.error;
    // Unknown meeting, or a wrong or expired host link (one answer for all): rejoining can't help.
    const gone = error === 'meeting-not-found';
    if (gone) this.secrets.forgetHostSecret(session.meetingId);
    const el = endedView({
      title: left ? 'state.left.title' : errorTitleKey(error),
      message: left ? 'state.left.body' : error ? errorMessageKey(error) : 'state.failed.body',
      ...(error ? { params: { code: error } } : {}),
      tone: left ? 'neutral' : 'error',
      ...(gone ? {} : { onRejoin: () => void session.start() }),
    });
    this.mount('ended', el, session.state, 'title.meeting');
    el.querySelector<HTMLElement>('#rejoin')?.focus();
  }
}

function setBodyState(state: PageState): void {
  document.body.dataset.state = state;
}
