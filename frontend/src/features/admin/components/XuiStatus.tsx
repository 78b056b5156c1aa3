import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { KeyValue } from '@/components/ui/KeyValue';
import { Loading, QueryError } from '@/components/ui/QueryState';
import type { SyncReport } from '@/lib/api/types';
import { formatDateTime } from '@/lib/format';
import { errorMessage } from '@/lib/i18n/error-message';

import { useXuiStatus, useXuiSync } from '../api/admin-api';
import styles from './admin.module.css';

/** The 3X-UI panel: reachable? which era? inbounds found? and the last sync's drift report. */
export function XuiStatus() {
  const { t } = useTranslation();
  const query = useXuiStatus();
  const sync = useXuiSync();

  if (query.isPending) return <Loading />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  const status = query.data;
  const report = sync.data ?? (status.last_sync as SyncReport | null | undefined) ?? null;
  const ok = status.configured && status.reachable && status.authenticated;

  return (
    <div className={styles.stack}>
      <Card>
        <div className={styles.head}>
          <h2 className={styles.sectionTitle}>{t('admin.xui.panel')}</h2>
          <Badge tone={!status.configured ? 'neutral' : ok ? 'success' : 'danger'}>
            {!status.configured ? t('admin.xui.notConfigured') : ok ? t('admin.xui.ok') : t('admin.xui.down')}
          </Badge>
        </div>
        {status.configured ? (
          <KeyValue
            items={[
              { label: t('admin.xui.reachable'), value: status.reachable ? t('common.yes') : t('common.no') },
              { label: t('admin.xui.authenticated'), value: status.authenticated ? t('common.yes') : t('common.no') },
              { label: t('admin.xui.era'), value: status.era ?? '—' },
              { label: t('admin.xui.panelVersion'), value: status.panel_version ?? '—' },
              { label: t('admin.xui.xrayVersion'), value: status.xray_version ?? '—' },
            ]}
          />
        ) : (
          <p className={styles.muted}>{t('admin.xui.notConfiguredText')}</p>
        )}
        {status.error ? <Alert tone="error">{status.error}</Alert> : null}
        {status.inbounds.length ? (
          <ul className={styles.plain} aria-label={t('admin.xui.inbounds')}>
            {status.inbounds.map((inbound) => (
              <li key={inbound.type} className={styles.row}>
                <div className={styles.rowMain}>
                  <span className={styles.title}>{inbound.type.toUpperCase()}</span>
                  <span className={styles.muted}>
                    {t('admin.xui.remark', { remark: inbound.remark })}
                    {inbound.inbound_id !== null && inbound.inbound_id !== undefined ? ` · id ${inbound.inbound_id}` : ''}
                    {inbound.error ? ` · ${inbound.error}` : ''}
                  </span>
                </div>
                <Badge tone={inbound.found ? 'success' : 'danger'}>{inbound.found ? t('admin.xui.found') : t('admin.xui.missing')}</Badge>
              </li>
            ))}
          </ul>
        ) : null}
        <div className={styles.actions}>
          <Button loading={sync.isPending} disabled={!status.configured} onClick={() => sync.mutate()}>
            {t('admin.xui.syncNow')}
          </Button>
          <Button variant="secondary" loading={query.isFetching && !sync.isPending} onClick={() => void query.refetch()}>
            {t('admin.xui.recheck')}
          </Button>
        </div>
        {sync.isError ? <Alert tone="error">{errorMessage(sync.error, t)}</Alert> : null}
      </Card>
      <SyncReportCard report={report} fresh={sync.isSuccess} />
    </div>
  );
}

function SyncReportCard({ report, fresh }: { report: SyncReport | null; fresh: boolean }) {
  const { t } = useTranslation();
  if (!report) {
    return (
      <Card>
        <h2 className={styles.sectionTitle}>{t('admin.xui.lastSync')}</h2>
        <p className={styles.muted}>{t('admin.xui.neverSynced')}</p>
      </Card>
    );
  }
  const drift = report.repaired.length + report.missing_on_panel.length + report.unknown_to_rayport.length;
  return (
    <Card aria-labelledby="sync-report" data-testid="sync-report">
      <div className={styles.head}>
        <h2 id="sync-report" className={styles.sectionTitle}>
          {fresh ? t('admin.xui.syncDone') : t('admin.xui.lastSync')}
        </h2>
        <Badge tone={!report.ok ? 'danger' : drift ? 'warning' : 'success'}>
          {!report.ok ? t('admin.xui.syncFailed') : drift ? t('admin.xui.drift', { count: drift }) : t('admin.xui.noDrift')}
        </Badge>
      </div>
      <KeyValue
        items={[
          { label: t('admin.xui.at'), value: formatDateTime(report.at) },
          { label: t('admin.xui.configs'), value: report.configs },
          { label: t('admin.xui.updated'), value: report.updated },
          { label: t('admin.xui.panelCalls'), value: report.panel_calls },
        ]}
      />
      {report.error ? <Alert tone="error">{report.error}</Alert> : null}
      <DriftList title={t('admin.xui.repaired')} items={report.repaired.map((item) => `${item.email} (${item.what})`)} hint={t('admin.xui.repairedHint')} />
      <DriftList title={t('admin.xui.missingOnPanel')} items={report.missing_on_panel} hint={t('admin.xui.missingHint')} />
      <DriftList title={t('admin.xui.unknown')} items={report.unknown_to_rayport} hint={t('admin.xui.unknownHint')} />
    </Card>
  );
}

function DriftList({ title, items, hint }: { title: string; items: string[]; hint: string }) {
  if (items.length === 0) return null;
  return (
    <section>
      <h3 className={styles.title} style={{ fontSize: '0.95rem' }}>
        {title} <Badge tone="warning">{items.length}</Badge>
      </h3>
      <p className={styles.muted}>{hint}</p>
      <ul>
        {items.map((item) => (
          <li key={item}>
            <code>{item}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
