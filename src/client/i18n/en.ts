/**
 * English: the reference catalog. Every other language must have exactly these keys (checked by the
 * type of `de` and by i18n.test.ts). Keys are flat; {placeholders} are filled in by `t()`.
 */
export const en = {
  'language.native': 'English',
  'language.label': 'Language',

  'app.name': 'Confab',
  'title.home': 'Confab – video meetings',
  'title.meeting': 'Meeting – Confab',

  'home.lead': 'Private video meetings in your browser: start one, share the link, talk. No account needed.',
  'home.start': 'Start a meeting',
  'home.starting': 'Starting…',
  'home.privacy': 'Audio and video travel only between the participants and this server ({host}).',
  'home.error.status': 'The meeting could not be created. The server answered with status {status}.',
  'home.error.forbidden': 'This server does not allow you to start meetings (status {status}). Ask its operator for an invite link.',
  'home.error.network': 'The server could not be reached. Check your connection and try again.',
  'home.error.response': 'The server sent an answer this page does not understand. Try reloading the page.',

  'prejoin.heading': 'Ready to join?',
  'prejoin.origin': 'You are joining a meeting on {origin}',
  'prejoin.meetingId': 'Meeting ID: {id}',
  'prejoin.name.label': 'Your name',
  'prejoin.name.hint': 'Shown to the other participants. Remembered in this browser only.',
  'prejoin.name.empty': 'Please enter your name.',
  'prejoin.name.tooLong': 'Your name can be at most 64 characters long.',
  'prejoin.name.invalid': 'Your name contains characters that cannot be used.',
  'prejoin.join': 'Join meeting',
  'prejoin.preview': 'Your camera preview',
  'prejoin.preview.starting': 'Starting camera…',
  'prejoin.preview.off': 'Camera is off',
  'prejoin.invalidMeeting.title': 'Invalid meeting link',
  'prejoin.invalidMeeting': 'This meeting link is not valid. Check the link or start a new meeting.',

  'media.denied': 'Access to camera and microphone was blocked. You can still join to watch and listen, or allow access in your browser’s site settings and reload the page.',
  'media.notFound': 'No camera or microphone was found. You can still join to watch and listen.',
  'media.inUse': 'Your camera or microphone is in use by another application. Close it and reload the page, or join without them.',
  'media.insecure': 'Camera and microphone only work over a secure (https) connection. You can still join to watch and listen.',
  'media.unknown': 'Camera and microphone could not be started. You can still join without them.',
  'media.noCamera': 'No camera is available: you will join with your microphone only.',
  'media.noMicrophone': 'No microphone is available: you will join with your camera only.',

  'controls.label': 'Call controls',
  'controls.mic': 'Mute microphone',
  'controls.camera': 'Turn off camera',
  'controls.micUnavailable': 'No microphone available',
  'controls.cameraUnavailable': 'No camera available',
  'controls.copyLink': 'Copy invite link',
  'controls.leave': 'Leave meeting',
  'controls.linkCopied': 'Invite link copied.',
  'controls.copyFailed': 'Copying did not work. The invite link is: {link}',

  'call.participants.one': '{count} participant',
  'call.participants.other': '{count} participants',
  'call.you': '{name} (you)',
  'call.micMuted': 'Microphone muted',
  'call.alone': 'You are the only one here. Copy the invite link and send it to the people you want to talk to.',
  'call.tiles': 'Participants',

  'state.connecting': 'Connecting…',
  'state.connected': 'Connected',
  'state.reconnecting': 'Connection lost. Reconnecting (attempt {attempt} of {max})…',
  'state.retrying': 'Could not connect. Trying again (attempt {attempt} of {max})…',
  'state.failed.title': 'Could not connect',
  'state.failed.body': 'The connection to the meeting could not be established or was lost. Check your network and try again.',
  'state.left.title': 'You left the meeting',
  'state.left.body': 'Your camera and microphone are off.',
  'action.rejoin': 'Rejoin',
  'action.home': 'Go to the start page',

  'error.meetingNotFound': 'This meeting does not exist or has ended. Check the link or start a new meeting.',
  'error.meetingFull': 'This meeting is full. Try again later.',
  'error.mediaFailed': 'The server could not set up audio and video for you.',
  'error.rateLimited': 'Too many messages were sent to the server in a short time.',
  'error.internal': 'Something went wrong on the server.',
  'error.protocol': 'This page and the server did not understand each other ({code}). Reloading the page may help.',
};

export type Messages = typeof en;
export type MessageKey = keyof Messages;
