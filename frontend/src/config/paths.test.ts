import { describe, expect, it } from 'vitest';

import { paths, safeNextPath } from './paths';

describe('safeNextPath', () => {
  it.each([
    ['/news', '/news'],
    ['/account?tab=sessions#x', '/account?tab=sessions#x'],
    [null, '/configs'],
    ['', '/configs'],
    ['https://evil.example/', '/configs'],
    ['//evil.example/path', '/configs'],
    ['/\\evil.example', '/configs'],
    ['javascript:alert(1)', '/configs'],
    ['/login?next=/x', '/configs'],
    ['/register', '/configs'],
  ])('%s → %s', (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it('login href carries next, encoded', () => {
    expect(paths.login.getHref('/admin/users?page=2')).toBe('/login?next=%2Fadmin%2Fusers%3Fpage%3D2');
    expect(paths.login.getHref(null)).toBe('/login');
  });
});
