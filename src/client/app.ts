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
import { MeetingEncryption } from './e2ee/meeting-encryption.js';
import { e2eeSupported } from './e2ee/support.js';
import { browserAddressBar, hasLinkSecrets, resolveSecret, SecretStore, takeLinkSecrets, type LinkSecrets } from './link-secrets.js';
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

type PageState = 'home' | 'loading' | 'prejoin' | 'invalid-link' | 'e2ee-unsupported' | ConnectionState;

/** What the pre-join screen and the join need to know about the meeting a link leads to. */
interface MeetingLink {
  meetingId: string;
  meetingKey: string;
  hostSecret: string | null;
  title: string | null;
  /** This browser can end-to-end encrypt (otherwise the host allowed such browsers in). */
  canEncrypt: boolean;
}
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
    } else if (route.page === 'meeting') void this.openMeeting(route.meetingId, fromLink);
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

  /**
   * Secrets from the link win over the ones this tab kept. Without the meeting's encryption secret
   * nobody can take part (the server can't supply it), so such a link stops here; then ask the
   * server about the meeting.
   */
  private async openMeeting(meetingId: string, fromLink: LinkSecrets): Promise<void> {
    const resolved = resolveSecret(fromLink.hostSecret, this.secrets.hostSecret(meetingId));
    const key = resolveSecret(fromLink.meetingKey, this.secrets.meetingKey(meetingId));
    if (!resolved.ok || !key.ok || fromLink.invite.kind === 'invalid') return this.showInvalidLink();
    if (!key.secret) return this.showMissingKey();
    const meetingKey = key.secret;
    this.secrets.setMeetingKey(meetingId, meetingKey);
    const hostSecret = resolved.secret;
    if (hostSecret) this.secrets.setHostSecret(meetingId, hostSecret);
    if (fromLink.invite.kind === 'valid') this.secrets.setInviteToken(meetingId, fromLink.invite.secret);
    this.mount('loading', loadingView('prejoin.loading'), 'loading', 'title.meeting');
    const [info, canEncrypt] = await Promise.all([fetchMeetingInfo(meetingId), e2eeSupported()]);
    if (!info.ok && info.kind === 'not-found') {
      this.secrets.forgetHostSecret(meetingId);
      return this.showNotFound();
    }
    // A browser that can't encrypt is told so at once, unless the host lets such browsers in.
    if (!canEncrypt && !(info.ok && info.info.allowUnencrypted)) return this.showUnsupported();
    // Any other failure (throttled, offline): carry on without the title; joining will tell.
    this.showPrejoin({ meetingId, meetingKey, hostSecret, canEncrypt, title: info.ok ? info.info.title : null });
  }

  private showMissingKey(): void {
    this.mount('ended', endedView({ title: 'e2ee.missingKey.title', message: 'e2ee.missingKey', tone: 'error' }), 'invalid-link', 'title.meeting');
  }

  private showUnsupported(): void {
    this.mount('ended', endedView({ title: 'e2ee.unsupported.title', message: 'e2ee.unsupported', tone: 'error' }), 'e2ee-unsupported', 'title.meeting');
  }

  private showNotFound(): void {
    this.mount('ended', endedView({ title: 'error.meetingNotFound.title', message: 'error.meetingNotFound', tone: 'error' }), 'invalid-link', 'title.meeting');
  }

  private showPrejoin(meeting: MeetingLink, passwordPrompt: { serverMessage: string } | null = null): void {
    const { meetingId, meetingKey, hostSecret, canEncrypt, title } = meeting;
    const view = prejoinView({
      meetingId,
      meetingKey,
      title,
      hostSecret,
      canEncrypt,
      media: this.media,
      passwordPrompt,
      onJoin: (name, password) => this.join(meeting, name, password),
    });
    this.mount('prejoin', view.el, 'prejoin', 'title.meeting', view.dispose);
    focusPrejoin(this.root);
  }

  private join(meeting: MeetingLink, name: string, password?: string): void {
    const { meetingId, meetingKey, hostSecret, title } = meeting;
    save('name', name);
    this.session?.encryption?.close();
    const session = new CallSession({
      meetingId,
      meetingKey,
      name,
      media: this.media,
      hostSecret,
      encryption: meeting.canEncrypt ? (relay) => MeetingEncryption.create(meetingId, meetingKey, relay) : null,
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
        session.encryption?.close();
        this.showPrejoin({ ...meeting, title: session.title || title }, { serverMessage: session.errorMessage ?? '' });
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
    // A call that stayed interrupted too long ended like a refused resume: "You were disconnected".
    const error = left ? null : (session.error ?? (session.everConnected ? 'resume-failed' : null));
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
