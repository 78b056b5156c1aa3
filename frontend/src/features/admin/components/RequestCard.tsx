import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { TextField } from '@/components/ui/TextField';
import { paths } from '@/config/paths';
import type { RequestDecisionRead, RequestRead } from '@/lib/api/types';
import { formatDateTime } from '@/lib/format';
import { errorMessage } from '@/lib/i18n/error-message';

import { useDecideRequest } from '../api/admin-api';
import { REQUEST_STATUS_TONE } from './labels';
import { TemporaryPasswordDialog } from './TemporaryPassword';
import styles from './admin.module.css';

/** What the user asked for, in words ("Traffic: 100 GB · Devices: 3"). */
function usePayloadSummary(request: RequestRead): string | null {
  const { t } = useTranslation();
  if (request.kind !== 'update_config') return null;
  const payload = request.payload as { total_gb?: unknown; limit_ip?: unknown };
  const parts: string[] = [];
  if (typeof payload.total_gb === 'number') {
    parts.push(t('admin.requests.wantsTraffic', { value: payload.total_gb === 0 ? t('configs.unlimited') : t('configs.gb', { count: payload.total_gb }) }));
  }
  if (typeof payload.limit_ip === 'number') {
    parts.push(t('admin.requests.wantsDevices', { value: payload.limit_ip === 0 ? t('configs.unlimited') : String(payload.limit_ip) }));
  }
  return parts.join(' · ') || null;
}

/**
 * One request. A new one can be applied or denied in one click, with an optional comment
 * for the user. Applying a password-reset request may return a temporary password: it is
 * shown once.
 */
export function RequestCard({ request }: { request: RequestRead }) {
  const { t } = useTranslation();
  const [comment, setComment] = useState('');
  const [result, setResult] = useState<RequestDecisionRead | null>(null);
  const decide = useDecideRequest();
  const summary = usePayloadSummary(request);
  const isNew = request.status === 'new';
  const deciding = decide.isPending ? decide.variables.decision : null;

  const onDecide = (decision: 'apply' | 'deny') => {
    decide.mutate(
      { id: request.id, decision, comment },
      {
        onSuccess: (decided) => {
          if (decided.temporary_password) setResult(decided);
        },
      },
    );
  };

  return (
    <Card aria-labelledby={`request-${request.id}`} data-testid="request-card">
      <div className={styles.head}>
        <h3 id={`request-${request.id}`} className={styles.title}>
          {t(`admin.requestKinds.${request.kind}`)}
        </h3>
        <Badge tone={REQUEST_STATUS_TONE[request.status]}>{t(`admin.requestStatus.${request.status}`)}</Badge>
      </div>
      <p className={styles.muted}>
        <Link to={paths.adminUser.getHref(request.user_id)}>{request.user_login}</Link>
        {' · '}
        {formatDateTime(request.created_at)}
        {request.target_type === 'config' ? (
          <>
            {' · '}
            <Link to={paths.adminConfig.getHref(request.target_id)}>{t('admin.requests.openConfig')}</Link>
          </>
        ) : null}
      </p>
      {summary ? <p>{summary}</p> : null}
      {isNew ? (
        <div className={styles.decision}>
          <TextField
            label={t('admin.requests.comment')}
            placeholder={t('admin.requests.commentPlaceholder')}
            value={comment}
            maxLength={500}
            onChange={(event) => setComment(event.target.value)}
          />
          <div className={styles.actions}>
            <Button loading={deciding === 'apply'} disabled={decide.isPending} onClick={() => onDecide('apply')}>
              {t('admin.requests.apply')}
            </Button>
            <Button variant="secondary" loading={deciding === 'deny'} disabled={decide.isPending} onClick={() => onDecide('deny')}>
              {t('admin.requests.deny')}
            </Button>
          </div>
        </div>
      ) : (
        <p className={styles.muted}>
          {t('admin.requests.decided', {
            who: request.decided_by_login ?? '—',
            when: formatDateTime(request.decided_at),
          })}
          {request.comment ? ` · “${request.comment}”` : ''}
        </p>
      )}
      {decide.isError ? <Alert tone="error">{errorMessage(decide.error, t)}</Alert> : null}
      <TemporaryPasswordDialog result={result} login={request.user_login} onClose={() => setResult(null)} />
    </Card>
  );
}
