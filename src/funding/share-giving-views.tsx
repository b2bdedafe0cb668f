import { z } from 'zod';
import type { Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicText, neutralise } from '../web/public-text.tsx';
import { SHARE_COUNT_CAP, type ColleagueLackingGiving } from './share-giving-vaults.ts';

/** The box's form (posted to the treasurers' and the editors' share routes), and the count its answer carries back. */
export const shareForm = z.object({ user: z.uuid() });
export const sharedCount = z.coerce.number().int().min(0).max(10_000_000).optional().catch(undefined);

/**
 * Names each colleague of the role who cannot yet read records the viewer can, how many, and one
 * button per colleague that shares them all. Not shown when nobody lacks anything.
 */
export function ShareGivingBox({ t, staff, action, colleagues }: { t: Translate; staff: StaffSession; action: string; colleagues: ColleagueLackingGiving[] }) {
  if (colleagues.length === 0) return null;
  return (
    <section class="card" data-giving-share aria-labelledby="giving-share-title">
      <h2 id="giving-share-title">{t('givingShare.title')}</h2>
      <p class="hint">{t(`givingShare.hint.${colleagues[0]!.role}`)}</p>
      <ul>
        {colleagues.map((colleague) => (
          <li data-lacking={colleague.id}>
            <PublicText text={colleague.displayName} /> ({t(`auth.role.${colleague.role}`)}):{' '}
            {colleague.missing >= SHARE_COUNT_CAP ? t('givingShare.missingMany', { n: SHARE_COUNT_CAP - 1 }) : t('givingShare.missing', { n: colleague.missing })}
            <form method="post" action={action} class="inline">
              <Csrf staff={staff} />
              <input type="hidden" name="user" value={colleague.id} />
              <button type="submit" class="secondary" aria-label={`${t('givingShare.button')}: ${neutralise(colleague.displayName)}`}>
                {t('givingShare.button')}
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}
