import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { translator } from '../../src/i18n/index.ts';
import { LANGUAGES } from '../../src/i18n/lang.ts';
import { backoffMinutes } from '../../src/notify/jobs.ts';
import { alertMail } from '../../src/notify/mail-alert.ts';
import { pickRecipients } from '../../src/notify/notify-alert.ts';
import { zonedInstant } from '../../src/notify/zoned-time.ts';

describe('test/notify/on-call-rules.test.ts', () => {
  test('the first round goes to whoever is on call, else to everyone; later rounds to one new colleague', () => {
    const ordered = ['onCall', 'next', 'other'];
    assert.deepEqual(pickRecipients(0, ordered, new Set(['onCall']), new Set()), ['onCall']);
    assert.deepEqual(pickRecipients(0, ordered, new Set(), new Set()), ordered);
    assert.deepEqual(pickRecipients(1, ordered, new Set(['onCall']), new Set(['onCall'])), ['next']);
    assert.deepEqual(pickRecipients(2, ordered, new Set(['onCall']), new Set(['onCall', 'next'])), ['other']);
    assert.deepEqual(pickRecipients(3, ordered, new Set(['onCall']), new Set(ordered)), []);
    // Someone on call who has no address is not in `ordered`: everyone who can be reached is alerted.
    assert.deepEqual(pickRecipients(0, ['next', 'other'], new Set(['unreachable']), new Set()), ['next', 'other']);
  });

  test('a wall-clock time is read in its zone, across daylight saving time', () => {
    assert.equal(zonedInstant('2026-07-01T22:00', 'Europe/Amsterdam')!.toISOString(), '2026-07-01T20:00:00.000Z');
    assert.equal(zonedInstant('2026-01-01T22:00', 'Europe/Amsterdam')!.toISOString(), '2026-01-01T21:00:00.000Z');
    assert.equal(zonedInstant('2026-07-01T22:00', 'Europe/Moscow')!.toISOString(), '2026-07-01T19:00:00.000Z');
    assert.equal(zonedInstant('2026-07-01T22:00', 'UTC')!.toISOString(), '2026-07-01T22:00:00.000Z');
    // 02:30 does not exist in Amsterdam on 29 March 2026: it is read as 03:30 CEST.
    assert.equal(zonedInstant('2026-03-29T02:30', 'Europe/Amsterdam')!.toISOString(), '2026-03-29T01:30:00.000Z');
    for (const bad of ['2026-02-30T10:00', '2026-01-01T24:00', '2026-01-01', 'tomorrow', '2026-01-01T10:00:00Z']) {
      assert.equal(zonedInstant(bad, 'UTC'), null, bad);
    }
  });

  test('failed sends wait 1, 2, 4 … minutes, never more than an hour', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 20].map(backoffMinutes), [1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  test('counts meet nouns through the plural rules (1, 2, 5, 21, 22)', () => {
    const ru = translator('ru');
    assert.deepEqual(
      [1, 2, 5, 21, 22].map((count) => ru('notify.alerts.alerted', { count })),
      ['оповещён 1 координатор', 'оповещены 2 координатора', 'оповещены 5 координаторов', 'оповещён 21 координатор', 'оповещены 22 координатора'],
    );
    assert.deepEqual(
      [1, 2, 5, 21, 22].map((minutes) => /за (\d+ \S+) никто/.exec(ru('notify.mail.body', { link: 'x', minutes }))![1]),
      ['1 минуту', '2 минуты', '5 минут', '21 минуту', '22 минуты'],
    );
    const en = translator('en');
    assert.deepEqual([1, 2].map((count) => en('notify.alerts.alerted', { count })), ['1 coordinator alerted', '2 coordinators alerted']);
    const nl = translator('nl');
    assert.deepEqual([1, 21].map((minutes) => /binnen (\d+ [^\s,]+)/.exec(nl('notify.mail.body', { link: 'x', minutes }))![1]), ['1 minuut', '21 minuten']);
  });

  test('the alert e-mail is made from the language and configuration alone', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://help.example.org', SMTP_URL: 'smtps://u:p@mail.example.org', SMTP_FROM: 'beside@example.org' });
    for (const lang of LANGUAGES) {
      const mail = alertMail(config, lang, 'someone@example.org');
      assert.equal(mail.to, 'someone@example.org');
      assert.ok(mail.text.includes('https://help.example.org/staff/on-call'), lang);
      assert.ok(mail.text.includes('30'), `${lang}: the escalation time`);
      assert.equal(mail.subject, translator(lang)('notify.mail.subject'));
    }
    // Its signature takes no request: the compiler keeps request data out of it.
    assert.equal(alertMail.length, 3);
  });

  test('SMTP settings are checked at start', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems;
      }
    };
    assert.deepEqual(loadConfig({}).smtp, undefined, 'optional: Beside runs without e-mail');
    assert.equal(loadConfig({}).alertEscalateMinutes, 30);
    assert.deepEqual(loadConfig({ SMTP_URL: 'smtp://user:pass@mail.example.org:587', SMTP_FROM: 'b@example.org' }).smtp, {
      url: 'smtp://user:pass@mail.example.org:587',
      from: 'b@example.org',
    });
    assert.match(problems({ SMTP_URL: 'smtp://mail.example.org:587' }).join('\n'), /SMTP_FROM: required with SMTP_URL/);
    assert.match(problems({ SMTP_URL: 'http://mail.example.org', SMTP_FROM: 'b@example.org' }).join('\n'), /SMTP_URL/);
    assert.match(problems({ SMTP_URL: 'smtp://mail.example.org', SMTP_FROM: 'not an address' }).join('\n'), /SMTP_FROM/);
    assert.match(problems({ ALERT_ESCALATE_MINUTES: '0' }).join('\n'), /ALERT_ESCALATE_MINUTES/);
    // A wrong setting never echoes the password in the URL.
    assert.ok(!problems({ SMTP_URL: 'smtp://user:secret-pw@', SMTP_FROM: 'b@example.org' }).join('\n').includes('secret-pw'));
  });
});
