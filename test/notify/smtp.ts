import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/** One message as the SMTP server received it: the envelope and the bytes, and their decoding. */
export type Received = { from: string; to: string[]; raw: string };

export type Decoded = { subject: string; text: string; headers: string };

/**
 * A real SMTP server on loopback (port 0), as an association's mail server would receive
 * Beside's e-mails: nothing between Beside and SMTP is replaced. `refuse` makes it refuse every
 * recipient, as a server with a full mailbox or a wrong policy would.
 */
export type TestSmtp = { url: string; received: Received[]; refuse: boolean; close(): Promise<void> };

export async function startSmtp(): Promise<TestSmtp> {
  const received: Received[] = [];
  const state: TestSmtp = { url: '', received, refuse: false, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.refuse) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('latin1'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/** The message as a mail program shows it: subject, text and every header, decoded. */
export async function decode(message: Received): Promise<Decoded> {
  const parsed = await simpleParser(Buffer.from(message.raw, 'latin1'));
  const headers = [...parsed.headerLines].map((line) => line.line).join('\n');
  return { subject: parsed.subject ?? '', text: parsed.text ?? '', headers };
}

/**
 * Every place a planted string could hide in a message: its raw bytes, and its decoded subject,
 * text and headers (a quoted-printable or base64 body would hide a canary from the raw bytes alone).
 */
export async function messageContains(message: Received, needle: string): Promise<boolean> {
  const decoded = await decode(message);
  const lower = needle.toLowerCase();
  return [message.raw, decoded.subject, decoded.text, decoded.headers].some((part) => part.toLowerCase().includes(lower));
}
