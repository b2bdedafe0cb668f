import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

/**
 * One e-mail to one person: plain text, optionally also simple HTML (no remote images) and files
 * (a donor's yearly statement). Its content never names a person asking for help.
 */
export type OutgoingMail = { to: string; subject: string; text: string; html?: string; attachments?: MailAttachment[] };
export type MailAttachment = { filename: string; content: Uint8Array; contentType: string };

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/**
 * The SMTP server of the configuration, through one pool of connections, or null when none is
 * set (Beside then runs without e-mail and the on-call page says so). Over anything but
 * loopback the connection must be encrypted (smtps://, or STARTTLS on smtp://), so the
 * password in SMTP_URL never crosses a network in clear; a local relay may speak plain SMTP.
 */
export function createMailer(smtp: Config['smtp']): Mailer | null {
  if (!smtp) return null;
  const host = new URL(smtp.url).hostname;
  const transport = nodemailer.createTransport(
    {
      url: smtp.url,
      pool: true,
      maxConnections: 2,
      requireTLS: !LOOPBACK.has(host),
      // Well within a job's lease (src/notify/jobs.ts), so a slow server is retried, not doubled.
      connectionTimeout: 20_000,
      greetingTimeout: 20_000,
      socketTimeout: 60_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    },
    { from: smtp.from },
  );
  return {
    async send(mail) {
      await transport.sendMail({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: mail.attachments?.map((file) => ({ filename: file.filename, content: Buffer.from(file.content), contentType: file.contentType })),
      });
    },
    close: () => transport.close(),
  };
}

/**
 * A failed send as a short code for the on-call page and the audit log: an SMTP error's message
 * may quote the recipient's address, so it is never kept or logged.
 */
export const MAIL_ERROR_CODES = ['smtp_auth', 'smtp_tls', 'smtp_refused', 'smtp_connection', 'not_configured', 'bad_payload', 'failed'] as const;
export type MailErrorCode = (typeof MAIL_ERROR_CODES)[number];

export function isMailErrorCode(value: string): value is MailErrorCode {
  return (MAIL_ERROR_CODES as readonly string[]).includes(value);
}

export function mailErrorCode(error: unknown): MailErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return 'smtp_auth';
    case 'ETLS':
      return 'smtp_tls';
    case 'EENVELOPE':
    case 'EMESSAGE':
      return 'smtp_refused';
    case 'ECONNECTION':
    case 'ETIMEDOUT':
    case 'ESOCKET':
    case 'EDNS':
    case 'ECONNREFUSED':
    case 'EPROTOCOL':
    case 'EMAXLIMIT':
      return 'smtp_connection';
    default:
      return 'failed';
  }
}
