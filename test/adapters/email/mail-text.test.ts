import { describe, expect, it } from 'vitest';
import { replySubject, stripQuotedReply, threadRoot } from '../../../src/adapters/email/index.ts';

describe('the new text of a reply', () => {
  it('drops Gmail-style history below "On … wrote:"', () => {
    expect(
      stripQuotedReply(
        'Yes, please.\n\nOn Mon, Jun 3, 2024 at 10:00 AM Hermes <b@x.io> wrote:\n> Shall I?\n',
      ),
    ).toBe('Yes, please.');
  });

  it('drops an attribution wrapped onto two lines', () => {
    expect(
      stripQuotedReply(
        'Fine.\n\nOn Mon, Jun 3, 2024 at 10:00 AM Hermes Bot <\nbot@example.com> wrote:\n\n> old',
      ),
    ).toBe('Fine.');
  });

  it('drops > lines between the answers of an inline reply', () => {
    expect(stripQuotedReply('> Do you want tea?\nYes\n> Milk?\nNo')).toBe('Yes\nNo');
  });

  it("drops Outlook's original-message block", () => {
    expect(
      stripQuotedReply(
        'Thanks\n\n-----Original Message-----\nFrom: Hermes\nSent: Monday\nTo: me\nSubject: x\n\nold',
      ),
    ).toBe('Thanks');
    expect(stripQuotedReply('Thanks\n\nFrom: Hermes <b@x.io>\nSent: Monday\nTo: me\n\nold')).toBe('Thanks');
  });

  it('keeps a mail without history as it is', () => {
    expect(stripQuotedReply('Line one\r\nLine two\r\n')).toBe('Line one\nLine two');
  });
});

describe('thread headers', () => {
  it('finds the root: first of References, else In-Reply-To, else the message itself', () => {
    expect(threadRoot({ messageId: '<c@x>', inReplyTo: '<b@x>', references: ['<a@x>', '<b@x>'] })).toBe(
      '<a@x>',
    );
    expect(threadRoot({ messageId: '<c@x>', inReplyTo: '<b@x>', references: [] })).toBe('<b@x>');
    expect(threadRoot({ messageId: '<c@x>' })).toBe('<c@x>');
  });

  it('puts exactly one "Re:" before the subject', () => {
    expect(replySubject('Lunch')).toBe('Re: Lunch');
    expect(replySubject('Re: Lunch')).toBe('Re: Lunch');
    expect(replySubject('RE: re: Lunch')).toBe('Re: Lunch');
    expect(replySubject('Fwd: Lunch')).toBe('Re: Fwd: Lunch');
    expect(replySubject('')).toBe('Re: (no subject)');
  });
});
