/**
 * The books and the campaign the campaign-page benchmark serves (`npm run bench:campaign`, which is
 * bench/help-page.ts with --campaign): many gifts posted through the ledger one by one, as the
 * payment webhooks and the statement import post them, and a campaign with a story, a goal per
 * purpose, supporters and updates, saved through the editors' operations.
 */
import type { Db } from '../src/db/client.ts';

export const SEEDED_GIFTS = 10_000;

export async function seedCampaign(db: Db, gifts = SEEDED_GIFTS): Promise<void> {
  const { initialise } = await import('../src/auth/initialise.ts');
  const { postTransaction } = await import('../src/funding/ledger.ts');
  const { PURPOSES, giftAccount } = await import('../src/funding/purposes.ts');
  const { saveCampaign, savePurposes } = await import('../src/funding/save-campaign.ts');
  const { addSupporter } = await import('../src/funding/save-supporter.ts');
  const { addUpdate, publishUpdate } = await import('../src/funding/save-update.ts');
  const { addDays, todayIn } = await import('../src/i18n/days.ts');

  const { userId } = await initialise(db, { login: 'bench-editor', displayName: 'Bench Editor', password: 'bench-correct-horse-battery-staple', language: 'en' });
  const story = (lang: string) => `${lang}: ${'We help people who flee persecution to reach safety. '.repeat(12)}\n\n${'Every euro is accounted for in public. '.repeat(8)}`;
  const texts = (make: (lang: string) => string) => ({ ru: make('ru'), en: make('en'), nl: make('nl') });
  await saveCampaign(db, userId, { goalCents: 25_000_000n, startsOn: todayIn(), endsOn: addDays(todayIn(), 45), story: texts(story) });
  await savePurposes(db, userId, PURPOSES.map((purpose) => ({ purpose, goalCents: 2_000_000n, text: texts((lang) => `${lang}: what ${purpose} pays for, in two short sentences. It reaches people in danger.`) })));
  for (let i = 1; i <= 5; i++) {
    await addSupporter(db, userId, { name: texts((lang) => `Supporter ${i} (${lang})`), role: texts(() => 'Director of a partner organisation'), quote: texts(() => 'We stand with them, and so should you.') });
    const update = await addUpdate(db, userId, { dated: addDays(todayIn(), -i), title: texts((lang) => `Update ${i} (${lang})`), body: texts(() => 'Three more people reached a safe home this week.') });
    await publishUpdate(db, userId, update, true);
  }
  for (let i = 0; i < gifts; i++) {
    const purpose = PURPOSES[i % PURPOSES.length]!;
    const cents = BigInt(500 + ((i * 7919) % 20_000));
    await postTransaction(db, {
      kind: 'gift',
      occurredOn: todayIn(),
      description: 'Gift by bank transfer',
      sourceRef: `bench:${i}`,
      entries: [
        { account: 'assets:bank', amountCents: cents },
        { account: giftAccount(purpose), amountCents: -cents },
      ],
      actorUserId: null,
    });
  }
}
