/**
 * GET /privacy: what this server stores, where and for how long, in German and English. Generated from
 * the configuration so the retention it states is the one in force. No scripts, no styles, no images.
 */
export interface PrivacyFacts {
  meetingTtlDays: number;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function privacyPage({ meetingTtlDays }: PrivacyFacts): string {
  const days = String(meetingTtlDays);
  const en = `
<section lang="en">
<h1>Privacy: what this Confab server stores</h1>
<h2>Stored on disk (SQLite file in the server's data directory)</h2>
<ul>
<li>For each meeting: its random id, its title, a SHA-256 hash of the host secret, a scrypt hash of the password if one is set, whether the lobby is on, whether browsers without end-to-end encryption may join, and when it was created. A meeting and all of this are deleted ${escape(days)} days after creation.</li>
<li>For personal invitations: the invitee's name as the host typed it, a SHA-256 hash of the link's token, whether it is single-use, used or revoked, and when it expires. Deleted with the meeting.</li>
<li>For the server: a SHA-256 hash of the host key.</li>
<li>Nothing about participants themselves: no names they typed, no addresses, no times of joining, no chat, no recordings.</li>
</ul>
<h2>Held in memory only, while needed</h2>
<ul>
<li>While you are in a meeting or its lobby: the name you typed, your role, your mute state, whether your hand is raised, whether you share your screen, and your media connection. Gone when you leave.</li>
<li>If a moderator denies, removes or bans you: a random token your browser made, for 10 minutes (denied or removed) or while the meeting is in use (banned).</li>
<li>Counters of failed attempts (wrong links or passwords), keyed by a salted hash of your network address. The salt is never stored; the counters are forgotten after an hour.</li>
</ul>
<h2>Logs</h2>
<p>The server logs events and counts, with short hashed tags instead of ids. It never logs network addresses, names, meeting titles, links, passwords or keys.</p>
<h2>In your browser</h2>
<p>Your name and language choice (localStorage), a random device token, the host key if you are this server's host, and a meeting's encryption key and host secret for the length of your browser session (sessionStorage). Secrets in links come after the <code>#</code>, which browsers never send to servers.</p>
<h2>Audio and video</h2>
<p>Audio, video and chat are end-to-end encrypted: your browser encrypts them with keys this server never gets (they come from the part of the link after the <code>#</code>), and only the other participants' browsers can decrypt them. The server forwards the encrypted media and records nothing. It does see who is in a meeting, the names people enter, and when and how much they send. Only if a host explicitly lets in browsers that cannot encrypt, and one is present, does media go encrypted only on its way to and from the server; everyone then sees a warning.</p>
</section>`;
  const de = `
<section lang="de">
<h1>Datenschutz: Was dieser Confab-Server speichert</h1>
<h2>Auf der Festplatte (SQLite-Datei im Datenverzeichnis des Servers)</h2>
<ul>
<li>Pro Besprechung: ihre zufällige Kennung, ihr Titel, ein SHA-256-Hash des Moderationsschlüssels, ein scrypt-Hash des Passworts (falls gesetzt), ob der Warteraum an ist, ob Browser ohne Ende-zu-Ende-Verschlüsselung teilnehmen dürfen, und wann sie angelegt wurde. Eine Besprechung wird mit all dem ${escape(days)} Tage nach dem Anlegen gelöscht.</li>
<li>Für persönliche Einladungen: der Name der eingeladenen Person, wie der Host ihn eingegeben hat, ein SHA-256-Hash des Link-Tokens, ob sie einmalig, benutzt oder widerrufen ist, und wann sie abläuft. Gelöscht mit der Besprechung.</li>
<li>Für den Server: ein SHA-256-Hash des Host-Schlüssels.</li>
<li>Nichts über die Teilnehmenden selbst: keine selbst eingegebenen Namen, keine Adressen, keine Beitrittszeiten, kein Chat, keine Aufnahmen.</li>
</ul>
<h2>Nur im Arbeitsspeicher, solange nötig</h2>
<ul>
<li>Solange Sie in einer Besprechung oder im Warteraum sind: der eingegebene Name, Ihre Rolle, Ihr Stummschaltungs-Zustand, ob Sie die Hand gehoben haben, ob Sie Ihren Bildschirm teilen, und Ihre Medienverbindung. Weg, sobald Sie gehen.</li>
<li>Wenn eine Moderatorin Sie abweist, entfernt oder sperrt: ein Zufallswert aus Ihrem Browser, für 10 Minuten (abgewiesen oder entfernt) bzw. solange die Besprechung läuft (gesperrt).</li>
<li>Zähler fehlgeschlagener Versuche (falsche Links oder Passwörter), unter einem gesalzenen Hash Ihrer Netzwerkadresse. Das Salz wird nie gespeichert; die Zähler verfallen nach einer Stunde.</li>
</ul>
<h2>Protokolle</h2>
<p>Der Server protokolliert Ereignisse und Zahlen, mit kurzen Hash-Kürzeln statt Kennungen. Er protokolliert nie Netzwerkadressen, Namen, Besprechungstitel, Links, Passwörter oder Schlüssel.</p>
<h2>In Ihrem Browser</h2>
<p>Ihr Name und Ihre Sprachwahl (localStorage), ein zufälliger Geräte-Wert, der Host-Schlüssel, falls Sie diesen Server betreiben, sowie der Verschlüsselungsschlüssel und der Moderationsschlüssel einer Besprechung für die Dauer der Browsersitzung (sessionStorage). Geheimnisse in Links stehen hinter dem <code>#</code>, den Browser nie an Server senden.</p>
<h2>Ton und Bild</h2>
<p>Ton, Bild und Chat sind Ende-zu-Ende-verschlüsselt: Ihr Browser verschlüsselt sie mit Schlüsseln, die dieser Server nie erhält (sie stammen aus dem Teil des Links hinter dem <code>#</code>), und nur die Browser der anderen Teilnehmenden können sie entschlüsseln. Der Server leitet die verschlüsselten Medien weiter und zeichnet nichts auf. Er sieht aber, wer in einer Besprechung ist, die eingegebenen Namen und wann wie viel gesendet wird. Nur wenn ein Host ausdrücklich Browser zulässt, die nicht verschlüsseln können, und einer davon teilnimmt, sind Medien nur auf dem Weg zum und vom Server verschlüsselt; dann sehen alle einen Warnhinweis.</p>
</section>`;
  return `<!doctype html>
<html lang="de">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>Datenschutz / Privacy – Confab</title></head>
<body>
<p><a href="#en">English below</a> · <a href="/">Confab</a></p>
${de}
<hr id="en">
${en}
</body>
</html>
`;
}
