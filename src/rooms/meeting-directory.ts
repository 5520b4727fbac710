/**
 * Which meetings exist. In-memory for now; persistence (SQLite) and access control come with the
 * secure-meetings work. Meeting ids are 128 random bits, so they cannot be guessed.
 */
import { Meeting } from './meeting.js';

export class MeetingDirectory {
  private readonly meetings = new Map<string, Meeting>();

  constructor(
    private readonly newId: () => string,
    private readonly maxParticipants: number,
  ) {}

  create(): Meeting {
    const meeting = new Meeting(this.newId(), this.maxParticipants);
    this.meetings.set(meeting.id, meeting);
    return meeting;
  }

  get(id: string): Meeting | undefined {
    return this.meetings.get(id);
  }

  get count(): number {
    return this.meetings.size;
  }
}
