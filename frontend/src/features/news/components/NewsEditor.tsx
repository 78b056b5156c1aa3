import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { TextAreaField } from '@/components/ui/TextAreaField';
import { TextField } from '@/components/ui/TextField';
import type { NewsRead } from '@/lib/api/types';
import { formatDateTime } from '@/lib/format';
import { fieldErrorText } from '@/lib/forms/field-error';
import { errorMessage } from '@/lib/i18n/error-message';

import { useCreateNews, useDeleteNews, useUpdateNews } from '../api/news-api';
import styles from './News.module.css';

interface NewsValues {
  title_ru: string;
  title_en: string;
  content_ru: string;
  content_en: string;
}

const TITLE_MAX = 200;
const CONTENT_MAX = 20_000;

function toValues(news: NewsRead | undefined): NewsValues {
  return {
    title_ru: news?.title.ru ?? '',
    title_en: news?.title.en ?? '',
    content_ru: news?.content.ru ?? '',
    content_en: news?.content.en ?? '',
  };
}

/**
 * Create or edit a news item in Russian and English (at least one language for the title and
 * for the text, as the API requires). "Save draft" keeps it unpublished; "Publish" makes it
 * visible in the users' feed; an edit can also unpublish or delete.
 */
export function NewsEditor({ news, onSaved, onDeleted }: { news?: NewsRead; onSaved: (news: NewsRead) => void; onDeleted?: () => void }) {
  const { t } = useTranslation();
  const create = useCreateNews();
  const update = useUpdateNews(news?.id ?? '');
  const remove = useDeleteNews();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [saved, setSaved] = useState(false);
  const {
    register,
    handleSubmit,
    getValues,
    formState: { errors },
  } = useForm<NewsValues>({ defaultValues: toValues(news) });
  const pending = create.isPending || update.isPending;
  const failed = create.error ?? update.error ?? remove.error;

  const save = (publish: boolean) =>
    handleSubmit(async (values) => {
      setSaved(false);
      const title = { ru: values.title_ru.trim(), en: values.title_en.trim() };
      const content = { ru: values.content_ru.trim(), en: values.content_en.trim() };
      const result = news
        ? await update.mutateAsync({ title, content, is_published: publish })
        : await create.mutateAsync({ title, content, is_published: publish });
      setSaved(true);
      onSaved(result);
    });

  const eitherTitle = () =>
    Boolean(getValues('title_ru').trim() || getValues('title_en').trim()) || 'newsAdmin.oneTitle';
  const eitherContent = () =>
    Boolean(getValues('content_ru').trim() || getValues('content_en').trim()) || 'newsAdmin.oneContent';

  return (
    <form className={styles.editor} noValidate onSubmit={(event) => event.preventDefault()}>
      {news ? (
        <div className={styles.row}>
          <Badge tone={news.is_published ? 'success' : 'neutral'}>
            {news.is_published ? t('newsAdmin.published') : t('newsAdmin.draft')}
          </Badge>
          {news.published_at ? (
            <span className={styles.muted}>{t('newsAdmin.publishedAt', { date: formatDateTime(news.published_at) })}</span>
          ) : null}
        </div>
      ) : null}
      {saved ? <Alert tone="success">{t('newsAdmin.saved')}</Alert> : null}
      {failed ? <Alert tone="error">{errorMessage(failed, t)}</Alert> : null}
      <div className={styles.langs}>
        <Card aria-label={t('language.ru')}>
          <h2 className={styles.itemTitle}>{t('language.ru')}</h2>
          <TextField
            label={t('newsAdmin.titleLabel')}
            lang="ru"
            maxLength={TITLE_MAX}
            error={fieldErrorText(errors.title_ru, t)}
            {...register('title_ru', { validate: eitherTitle, deps: ['title_en'] })}
          />
          <TextAreaField
            label={t('newsAdmin.contentLabel')}
            lang="ru"
            rows={8}
            maxLength={CONTENT_MAX}
            error={fieldErrorText(errors.content_ru, t)}
            {...register('content_ru', { validate: eitherContent, deps: ['content_en'] })}
          />
        </Card>
        <Card aria-label={t('language.en')}>
          <h2 className={styles.itemTitle}>{t('language.en')}</h2>
          <TextField
            label={t('newsAdmin.titleLabel')}
            lang="en"
            maxLength={TITLE_MAX}
            error={fieldErrorText(errors.title_en, t)}
            {...register('title_en', { validate: eitherTitle, deps: ['title_ru'] })}
          />
          <TextAreaField
            label={t('newsAdmin.contentLabel')}
            lang="en"
            rows={8}
            maxLength={CONTENT_MAX}
            error={fieldErrorText(errors.content_en, t)}
            {...register('content_en', { validate: eitherContent, deps: ['content_ru'] })}
          />
        </Card>
      </div>
      <div className={styles.row}>
        {news?.is_published ? (
          <>
            <Button loading={pending} onClick={() => void save(true)()}>
              {t('newsAdmin.saveChanges')}
            </Button>
            <Button variant="secondary" disabled={pending} onClick={() => void save(false)()}>
              {t('newsAdmin.unpublish')}
            </Button>
          </>
        ) : (
          <>
            <Button loading={pending} onClick={() => void save(true)()}>
              {t('newsAdmin.publish')}
            </Button>
            <Button variant="secondary" disabled={pending} onClick={() => void save(false)()}>
              {t('newsAdmin.saveDraft')}
            </Button>
          </>
        )}
        {news && onDeleted ? (
          <Button variant="ghost" disabled={pending || remove.isPending} onClick={() => setConfirmDelete(true)}>
            {t('newsAdmin.delete')}
          </Button>
        ) : null}
      </div>
      {news && onDeleted ? (
        <ConfirmDialog
          open={confirmDelete}
          onOpenChange={setConfirmDelete}
          title={t('newsAdmin.deleteTitle')}
          description={t('newsAdmin.deleteText')}
          confirmLabel={t('newsAdmin.delete')}
          destructive
          onConfirm={() => {
            remove.mutate(news.id, { onSuccess: onDeleted });
          }}
        />
      ) : null}
    </form>
  );
}
