import { z } from 'zod';
import { dbOf, type App } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { notFound } from '../web/errors.ts';
import { staffPage } from '../web/layout.tsx';
import { staffOf } from '../auth/access.ts';
import { decideGiftMessage, listWaitingMessages } from './gift-messages.ts';
import { GiftMessagesPage } from './gift-message-views.tsx';
import { colleaguesLackingGiving, shareGivingVaults } from './share-giving-vaults.ts';
import { ShareGivingBox, shareForm, sharedCount } from './share-giving-views.tsx';

/** Editors decide which donors' messages the campaign shows. */
const EDITOR = staff('editor');

const uuid = z.uuid();
const decideForm = z.object({ decision: z.enum(['approve', 'reject']) });

export function registerGiftMessages(app: App): void {
  route(app, 'GET', '/staff/gift-messages', EDITOR, async (c) => {
    const t = c.get('t');
    const done = c.req.query('done');
    const shared = sharedCount.parse(c.req.query('shared'));
    const notice = done === 'approve' || done === 'reject' ? t(`giftMessages.done.${done}`) : shared !== undefined ? t('givingShare.done', { n: shared }) : undefined;
    const me = staffOf(c);
    const messages = await listWaitingMessages(dbOf(c), me);
    const lacking = await colleaguesLackingGiving(dbOf(c), me.userId, 'editor');
    const sharing = <ShareGivingBox t={t} staff={me} action="/staff/gift-messages/share" colleagues={lacking} />;
    return staffPage(c, t('giftMessages.title'), <GiftMessagesPage t={t} lang={c.get('lang')} staff={me} messages={messages} notice={notice} sharing={sharing} />);
  });

  route(app, 'POST', '/staff/gift-messages/share', EDITOR, async (c) => {
    const form = shareForm.safeParse(await c.req.parseBody());
    if (!form.success) throw notFound();
    const count = await shareGivingVaults(dbOf(c), staffOf(c), form.data.user, 'editor');
    return c.redirect(`/staff/gift-messages?shared=${count}`, 303);
  });

  route(app, 'POST', '/staff/gift-messages/:id/decide', EDITOR, async (c) => {
    const id = uuid.safeParse(c.req.param('id') ?? '');
    const form = decideForm.safeParse(await c.req.parseBody());
    if (!id.success || !form.success) throw notFound();
    const decided = await decideGiftMessage(dbOf(c), staffOf(c), id.data, form.data.decision);
    if (!decided) throw notFound();
    return c.redirect(`/staff/gift-messages?done=${decided}`, 303);
  });
}
