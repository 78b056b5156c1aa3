import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { PlaceholderPanel } from '@/components/PlaceholderPanel';
import { ProtectedRoute } from '@/features/auth/components/ProtectedRoute';

import { NotFoundRoute } from '../not-found';
import { findAdminSection } from './sections';

/** Shell for each `/admin/<section>`; each becomes `features/admin/<section>` later. */
export function AdminSectionRoute() {
  const { t } = useTranslation();
  const section = findAdminSection(useParams().section);
  if (!section) return <NotFoundRoute />;
  return (
    <ProtectedRoute minRole={section.minRole}>
      <PlaceholderPanel
        title={t(`admin.sections.${section.id}.title`)}
        intro={section.minRole === 'superuser' ? t('admin.superuserOnly') : undefined}
        items={[t(`admin.sections.${section.id}.text`)]}
      />
    </ProtectedRoute>
  );
}
