import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { KeyValue } from '@/components/ui/KeyValue';
import { EmptyState, Loading, QueryError } from '@/components/ui/QueryState';
import { SelectField } from '@/components/ui/SelectField';
import { paths } from '@/config/paths';
import { hasMinRole } from '@/features/auth/roles';
import { telegramSocial } from '@/features/auth/socials';
import { useCurrentUser } from '@/features/auth/stores/session-store';
import type { AdminUserDetail, PasswordResetRead, Role } from '@/lib/api/types';
import { formatBytes, formatDate, formatDateTime } from '@/lib/format';
import { errorMessage } from '@/lib/i18n/error-message';

import { useChangeRole, usePasswordReset, useRevokeSession, useUserAction, useUserDetail, type UserAction } from '../api/admin-api';
import { CONFIG_STATUS_TONE, ROLES, USER_STATUS_TONE } from './labels';
import { RequestCard } from './RequestCard';
import { TemporaryPasswordDialog } from './TemporaryPassword';
import styles from './admin.module.css';

/** One user: profile, state, actions (verify, activate, role, password reset), configs, sessions, requests. */
export function UserDetailView({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const query = useUserDetail(userId);
  if (query.isPending) return <Loading />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  const user = query.data;
  const telegram = telegramSocial(user);
  return (
    <div className={styles.stack}>
      <Card>
        <div className={styles.head}>
          <h2 className={styles.title}>{user.login}</h2>
          <div className={styles.badges}>
            <Badge tone={USER_STATUS_TONE[user.status]}>{t(`admin.userStatus.${user.status}`)}</Badge>
            <Badge tone={user.role === 'user' ? 'neutral' : 'info'}>{t(`admin.roles.${user.role}`)}</Badge>
            {user.is_active ? null : <Badge tone="danger">{t('admin.users.inactive')}</Badge>}
          </div>
        </div>
        <KeyValue
          items={[
            { label: t('admin.users.name'), value: [user.profile.first_name, user.profile.last_name].filter(Boolean).join(' ') || '—' },
            { label: t('account.profile.email'), value: user.profile.email ?? '—' },
            { label: t('account.profile.language'), value: t(`language.${user.profile.lang_code}`) },
            { label: t('admin.users.created'), value: formatDate(user.created_at) },
            {
              label: 'Telegram',
              value:
                telegram
                  ? `@${telegram.username ?? telegram.external_id}${telegram.reachable ? '' : ` (${t('account.telegram.unreachable')})`}`
                  : '—',
            },
            {
              label: t('admin.users.password'),
              value: user.must_change_password
                ? t('admin.users.mustChange')
                : user.has_password
                  ? t('common.yes')
                  : t('admin.users.noPassword'),
            },
          ]}
        />
        <UserActions user={user} />
      </Card>

      <Card aria-labelledby="user-configs">
        <h2 id="user-configs" className={styles.sectionTitle}>
          {t('admin.users.configs')}
        </h2>
        {user.configs?.length ? (
          <ul className={styles.plain}>
            {user.configs.map((config) => (
              <li key={config.id} className={styles.row}>
                <div className={styles.rowMain}>
                  <Link to={paths.adminConfig.getHref(config.id)} className={styles.title}>
                    {config.type.toUpperCase()}
                  </Link>
                  <span className={styles.muted}>
                    {t('admin.configs.until', { date: formatDate(config.valid_to) })} · {formatBytes(config.used_bytes)}
                    {config.total_gb ? ` / ${t('configs.gb', { count: config.total_gb })}` : ''}
                  </span>
                </div>
                <Badge tone={CONFIG_STATUS_TONE[config.status]}>{t(`configs.status.${config.status}`)}</Badge>
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState>{t('admin.users.noConfigs')}</EmptyState>
        )}
      </Card>

      <UserSessions user={user} />

      <section className={styles.stack} aria-labelledby="user-requests">
        <h2 id="user-requests" className={styles.sectionTitle}>
          {t('admin.users.openRequests')}
        </h2>
        {user.open_requests.length ? (
          <div className={styles.list}>
            {user.open_requests.map((request) => (
              <RequestCard key={request.id} request={request} />
            ))}
          </div>
        ) : (
          <EmptyState>{t('admin.users.noRequests')}</EmptyState>
        )}
      </section>
    </div>
  );
}

function UserActions({ user }: { user: AdminUserDetail }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const isSuperuser = me !== null && hasMinRole(me.role, 'superuser');
  const isSelf = me?.id === user.id;
  const action = useUserAction(user.id);
  const role = useChangeRole(user.id);
  const reset = usePasswordReset(user.id);
  const [confirm, setConfirm] = useState<'deactivate' | 'reset' | null>(null);
  const [resetResult, setResetResult] = useState<PasswordResetRead | null>(null);
  const failed = action.error ?? role.error ?? reset.error;
  const run = (next: UserAction) => action.mutate(next);
  const busy = action.isPending ? action.variables : null;

  return (
    <>
      {failed ? <Alert tone="error">{errorMessage(failed, t)}</Alert> : null}
      <div className={styles.actions}>
        {user.status === 'verified' ? (
          <Button variant="secondary" loading={busy === 'unverify'} disabled={isSelf} onClick={() => run('unverify')}>
            {t('admin.users.unverify')}
          </Button>
        ) : (
          <Button loading={busy === 'verify'} onClick={() => run('verify')}>
            {t('admin.users.verify')}
          </Button>
        )}
        {user.is_active ? (
          <Button variant="secondary" disabled={isSelf} loading={busy === 'deactivate'} onClick={() => setConfirm('deactivate')}>
            {t('admin.users.deactivate')}
          </Button>
        ) : (
          <Button variant="secondary" loading={busy === 'reactivate'} onClick={() => run('reactivate')}>
            {t('admin.users.reactivate')}
          </Button>
        )}
        {isSuperuser ? (
          <Button variant="secondary" loading={reset.isPending} disabled={isSelf} onClick={() => setConfirm('reset')}>
            {t('admin.users.resetPassword')}
          </Button>
        ) : null}
      </div>
      {isSuperuser && !isSelf ? (
        <div style={{ maxWidth: 280 }}>
          <SelectField
            label={t('admin.users.role')}
            hint={t('admin.users.roleHint')}
            value={user.role}
            disabled={role.isPending}
            onChange={(event) => role.mutate({ role: event.target.value as Role })}
            options={ROLES.map((value) => ({ value, label: t(`admin.roles.${value}`) }))}
          />
        </div>
      ) : null}
      <ConfirmDialog
        open={confirm === 'deactivate'}
        onOpenChange={(open) => setConfirm(open ? 'deactivate' : null)}
        title={t('admin.users.deactivateTitle', { login: user.login })}
        description={t('admin.users.deactivateText')}
        confirmLabel={t('admin.users.deactivate')}
        destructive
        onConfirm={() => run('deactivate')}
      />
      <ConfirmDialog
        open={confirm === 'reset'}
        onOpenChange={(open) => setConfirm(open ? 'reset' : null)}
        title={t('admin.users.resetTitle', { login: user.login })}
        description={t('admin.users.resetText')}
        confirmLabel={t('admin.users.resetPassword')}
        destructive
        onConfirm={() => reset.mutate(undefined, { onSuccess: setResetResult })}
      />
      <TemporaryPasswordDialog result={resetResult} login={user.login} onClose={() => setResetResult(null)} />
    </>
  );
}

function UserSessions({ user }: { user: AdminUserDetail }) {
  const { t } = useTranslation();
  const revoke = useRevokeSession();
  return (
    <Card aria-labelledby="user-sessions">
      <h2 id="user-sessions" className={styles.sectionTitle}>
        {t('admin.users.sessions')}
      </h2>
      {revoke.isError ? <Alert tone="error">{errorMessage(revoke.error, t)}</Alert> : null}
      {user.sessions.length ? (
        <ul className={styles.plain}>
          {user.sessions.map((session) => (
            <li key={session.id} className={styles.row}>
              <div className={styles.rowMain}>
                <span className={styles.title}>{session.device ?? session.user_agent ?? t('account.sessions.unknownDevice')}</span>
                <span className={styles.muted}>
                  {t('account.sessions.meta', { ip: session.ip ?? '—', last: formatDateTime(session.last_activity_at) })}
                </span>
              </div>
              <Button
                variant="secondary"
                size="sm"
                loading={revoke.isPending && revoke.variables === session.id}
                onClick={() => revoke.mutate(session.id)}
              >
                {t('admin.sessions.revoke')}
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState>{t('admin.users.noSessions')}</EmptyState>
      )}
    </Card>
  );
}
