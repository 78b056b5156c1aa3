/**
 * Copies text. `navigator.clipboard` needs a secure context and, in some Telegram WebViews,
 * is missing or refuses; the fallback selects a hidden textarea and uses `execCommand`.
 * @returns true when the text was copied
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    // Missing outside secure contexts, whatever the DOM types say.
    const clipboard = (navigator as Partial<Navigator>).clipboard;
    if (clipboard) {
      await clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the legacy path
  }
  try {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the only fallback in old WebViews
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  } catch {
    return false;
  }
}
