import type { App } from '../web/context.ts';
import { PublicLayout } from '../web/layout.tsx';
import { versionedPrerenderedRoute } from '../web/prerendered.ts';
import { transparencySource } from './transparency.ts';
import { TransparencyPage } from './transparency-views.tsx';

/**
 * The public transparency page, kept like the home page under the same version (the ledger's
 * head, the campaign's content, the newest approved message, the day): the same bytes for
 * everyone, loaded again only when the books move, so a view costs one small query.
 */
export function registerTransparency(app: App): void {
  versionedPrerenderedRoute(app, '/:lang/transparency', transparencySource, ({ lang, t, config, data }) => (
    <PublicLayout lang={lang} t={t} path="/transparency" title={`${t('transparency.title')} · ${config.orgName}`} exitUrl={config.quickExitUrl} orgName={config.orgName}>
      <TransparencyPage t={t} lang={lang} data={data} />
    </PublicLayout>
  ));
}
