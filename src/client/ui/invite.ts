/** Copy a meeting link and say so. The guest link never has a fragment; the host link carries the secret in one. */
import { copyText } from '../clipboard.js';
import type { MessageKey } from '../i18n/index.js';
import { guestLink, hostLink } from '../link-secrets.js';
import { showToast } from './toast.js';

async function copyLink(link: string, copied: MessageKey, failed: MessageKey): Promise<void> {
  if (await copyText(link)) showToast(copied);
  else showToast(failed, { link }, 12_000);
}

/** The link for guests (`<origin>/m/<id>`); `copied` names it as the button did. */
export function copyInviteLink(meetingId: string, copied: MessageKey = 'controls.linkCopied'): Promise<void> {
  return copyLink(guestLink(location.origin, meetingId), copied, 'controls.copyFailed');
}

/** The host link (`<origin>/m/<id>#host=<secret>`): full control, for the host's own use. */
export function copyHostLink(meetingId: string, hostSecret: string): Promise<void> {
  return copyLink(hostLink(location.origin, meetingId, hostSecret), 'controls.hostLinkCopied', 'controls.hostLinkCopyFailed');
}
