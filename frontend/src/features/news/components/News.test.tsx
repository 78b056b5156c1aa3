import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { tokenStore } from '@/lib/api/token-store';
import type { NewsRead } from '@/lib/api/types';
import { makeTokenPair, makeUser, meHandler, pageOf, readJson, roleUsers, settingsHandler } from '@/testing/fixtures';
import { currentUrl, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

function feedItem(n: number) {
  return {
    id: `n-${n}`,
    title: `Title ${n}`,
    content: `Line one of ${n}\nLine two`,
    lang: 'en' as const,
    published_at: `2026-11-${String(10 + n).padStart(2, '0')}T10:00:00Z`,
  };
}

describe('news feed', () => {
  it('shows published news and loads more pages', async () => {
    tokenStore.setTokens(makeTokenPair());
    const pages: string[] = [];
    server.use(
      meHandler(makeUser()),
      settingsHandler(),
      http.get('*/api/backend/v1/news', ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get('page'));
        pages.push(String(page));
        const items = page === 1 ? [feedItem(1), feedItem(2)] : [feedItem(3)];
        return HttpResponse.json({ items, page, limit: 2, total: 3, pages: 2 });
      }),
    );
    renderApp('/news');
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByRole('heading', { name: 'Title 1' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show more' }));
    expect(await screen.findByRole('heading', { name: 'Title 3' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
    expect(pages).toEqual(['1', '2']);
  });

  it('an unverified user gets the verification state, not a failed request', async () => {
    tokenStore.setTokens(makeTokenPair());
    server.use(meHandler(makeUser({ status: 'verification_pending' })), settingsHandler());
    renderApp('/news');
    expect(await screen.findByRole('heading', { name: 'Waiting for verification' })).toBeInTheDocument();
  });
});

function newsRead(overrides: Partial<NewsRead> = {}): NewsRead {
  return {
    id: 'news-1',
    title: { ru: 'Заголовок', en: 'Headline' },
    content: { ru: 'Текст', en: 'Text' },
    is_published: false,
    published_at: null,
    author_id: null,
    created_at: '2026-11-20T10:00:00Z',
    updated_at: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

describe('news editor (superuser)', () => {
  it('needs a title and a text in at least one language, then publishes and opens the edit page', async () => {
    tokenStore.setTokens(makeTokenPair());
    const bodies: unknown[] = [];
    let stored = newsRead();
    server.use(
      meHandler(roleUsers.superuser),
      settingsHandler(),
      http.post('*/api/admin/v1/news', async ({ request }) => {
        const body = (await readJson(request)) as { title: NewsRead['title']; content: NewsRead['content']; is_published: boolean };
        bodies.push(body);
        stored = newsRead({ ...body, id: 'news-9', published_at: '2026-11-26T10:00:00Z' });
        return HttpResponse.json(stored, { status: 201 });
      }),
      http.get('*/api/admin/v1/news/:id', () => HttpResponse.json(stored)),
    );
    const { router } = renderApp('/admin/news/new');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Publish' }));
    expect(await screen.findAllByText('Give a title in at least one language.')).toHaveLength(2);
    expect(bodies).toEqual([]);

    const ru = screen.getByRole('region', { name: 'Русский' });
    await user.type(within(ru).getByLabelText('Title'), 'Плановые работы');
    await user.type(within(ru).getByLabelText('Text'), 'Ночью сервер перезагрузится.');
    await user.click(screen.getByRole('button', { name: 'Publish' }));

    await waitFor(() => {
      expect(currentUrl(router)).toBe('/admin/news/news-9');
    });
    expect(bodies).toEqual([
      { title: { ru: 'Плановые работы', en: '' }, content: { ru: 'Ночью сервер перезагрузится.', en: '' }, is_published: true },
    ]);
    expect(await screen.findByRole('button', { name: 'Unpublish' })).toBeInTheDocument();
  });

  it('an admin (not superuser) is not let into the editor', async () => {
    tokenStore.setTokens(makeTokenPair());
    server.use(meHandler(roleUsers.admin), settingsHandler());
    renderApp('/admin/news/new');
    expect(await screen.findByText('No access')).toBeInTheDocument();
  });

  it('edits, unpublishes and deletes', async () => {
    tokenStore.setTokens(makeTokenPair());
    const calls: { method: string; body: unknown }[] = [];
    let stored = newsRead({ is_published: true, published_at: '2026-11-20T10:00:00Z' });
    server.use(
      meHandler(roleUsers.superuser),
      settingsHandler(),
      http.get('*/api/admin/v1/news/:id', () => HttpResponse.json(stored)),
      http.patch('*/api/admin/v1/news/:id', async ({ request }) => {
        const body = (await readJson(request)) as Partial<NewsRead>;
        calls.push({ method: 'PATCH', body });
        stored = { ...stored, ...body, updated_at: new Date().toISOString() };
        return HttpResponse.json(stored);
      }),
      http.delete('*/api/admin/v1/news/:id', () => {
        calls.push({ method: 'DELETE', body: null });
        return new HttpResponse(null, { status: 204 });
      }),
      http.get('*/api/admin/v1/news', () => HttpResponse.json(pageOf([]))),
    );
    const { router } = renderApp('/admin/news/news-1');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Unpublish' }));
    expect(await screen.findByRole('button', { name: 'Publish' })).toBeInTheDocument();
    expect(calls[0]?.body).toMatchObject({ is_published: false, title: { ru: 'Заголовок', en: 'Headline' } });

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => {
      expect(currentUrl(router)).toBe('/admin/news');
    });
    expect(calls.map((c) => c.method)).toEqual(['PATCH', 'DELETE']);
  });
});
