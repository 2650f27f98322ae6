import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { type Device, stopAll } from '../test-support/devices.ts';
import { chromiumFor, shot, startWebCore } from '../test-support/e2e.ts';
import { studyCourse } from '../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';
import en from '../renderer/i18n/en.json';
import es from '../renderer/i18n/es.json';
import fr from '../renderer/i18n/fr.json';

const chromium = chromiumFor('desktop preferences e2e');

/** English sentences of the interface (not names, not placeholders): none may show once another language is chosen. */
const englishOnly = Object.entries(en)
  .filter(
    ([k, v]) =>
      !v.includes('{') && v.length >= 8 && v !== fr[k as keyof typeof fr] && v !== es[k as keyof typeof es],
  )
  .map(([, v]) => v);

// A due date the test controls: late evening in UTC is the next morning in Tokyo (UTC+9, no daylight saving).
const DUE_AT = '2031-03-02T23:30:00.000Z';

describe.skipIf(!chromium)('language, time zone and notification preferences in the desktop UI', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let student: Account;

  /** The due date as Chromium's Intl writes it in a language and zone (what the app must show). */
  const dueAs = (locale: string, timeZone: string) =>
    page.evaluate(
      ([iso, l, z]) =>
        new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short', timeZone: z }).format(
          new Date(iso!),
        ),
      [DUE_AT, locale, timeZone],
    );
  const dueText = () =>
    page.getByRole('list', { name: /Due soon|À rendre bientôt|Próximas entregas/ }).innerText();
  const englishOn = async (screen: string) => {
    const text = await page.locator('body').innerText();
    return englishOnly.filter((s) => text.includes(s)).map((s) => `${screen}: ${s}`);
  };
  const timeZoneSelect = () => page.getByRole('combobox', { name: /^(Time zone|Fuseau horaire)$/ });

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Grace Hopper');
    const base = studyCourse('Dated course');
    const course = await server.publishedCourse(teacher, {
      ...base,
      modules: [
        ...(base.modules ?? []),
        { title: 'Due', lessons: [{ title: 'Essay', kind: 'text', body: 'Write.', dueAt: DUE_AT }] },
      ],
    });
    student = await server.user('student', 'Sam Student');
    core = await startWebCore(server.url, 'lyceum-prefs-e2e-');
    await core.session.signIn({ email: student.email, password: student.password });
    await core.learning.enroll(course.id);
    browser = await launchChromium();
    // The "system" of this test: English, UTC.
    context = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await stopAll({ browser, core, server });
  });

  it('follows the system by default: English, due dates in the system zone', async () => {
    await page.goto(core.launchUrl);
    await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // The check the French screens go through finds the English ones.
    expect(await englishOn('catalog')).toContain('catalog: Course catalog');
    await page.getByRole('link', { name: 'My Learning' }).click();
    await expect.poll(dueText).toContain(`Essay: due ${await dueAs('en', 'UTC')}`);
  });

  it('switches to French at once when Français is saved, and stays French after a reload', async () => {
    await page.getByRole('link', { name: 'Preferences' }).click();
    await page.getByRole('heading', { name: 'Preferences' }).waitFor();
    await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Français' });
    await page.getByRole('button', { name: 'Save preferences' }).click();

    // No restart: the same page is now in French, header and navigation included.
    await page.getByRole('heading', { level: 1, name: 'Préférences' }).waitFor();
    await page.getByText('Enregistré. Vos préférences se synchronisent avec vos autres appareils.').waitFor();
    const nav = page.getByRole('navigation', { name: 'Principale' });
    await nav.getByRole('link', { name: 'Catalogue' }).waitFor();
    await nav.getByRole('link', { name: 'Mon apprentissage' }).waitFor();
    await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.title()).toBe('Préférences · Lyceum');
    await shot(page, 'prefs-01-french');

    await nav.getByRole('link', { name: 'Catalogue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Catalogue des cours' }).waitFor();
    await page.getByRole('heading', { name: '1 cours', exact: true }).waitFor();
    expect(
      await page.getByRole('searchbox', { name: 'Rechercher des cours' }).getAttribute('placeholder'),
    ).toBe('Rechercher des cours, matières, formateurs…  ( / )');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Catalogue des cours' }).waitFor();
    // Not only remembered by this browser: the stored preference alone brings French back.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Catalogue des cours' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(core.learning.preferences().locale).toBe('fr');
  });

  it('shows every student screen in French: no English sentence of the interface is left', async () => {
    const found: string[] = [];
    await page.getByRole('heading', { level: 1, name: 'Catalogue des cours' }).waitFor();
    found.push(...(await englishOn('catalogue')));
    await page.getByRole('link', { name: 'Dated course' }).click();
    await page.getByRole('heading', { name: 'Plan du cours' }).waitFor();
    await page.getByRole('heading', { name: 'Avis' }).waitFor();
    found.push(...(await englishOn('page du cours')));
    await page.getByTestId('study-link').click();
    await page.getByRole('heading', { name: 'Leçons' }).waitFor();
    found.push(...(await englishOn('étude du cours')));
    await page.getByRole('link', { name: 'Read me' }).click();
    await page.getByRole('button', { name: 'Marquer comme terminée' }).click();
    await page.getByTestId('lesson-completed').waitFor();
    found.push(...(await englishOn('leçon')));
    await page.getByRole('link', { name: 'Leçon suivante' }).click();
    await page.getByRole('link', { name: 'Leçon suivante' }).click();
    await page.getByRole('button', { name: 'Envoyer les réponses' }).waitFor();
    await page.getByRole('radio', { name: '4' }).check();
    await page.getByRole('radio', { name: 'Vrai' }).check();
    await page.getByRole('button', { name: 'Envoyer les réponses' }).click();
    await page.getByTestId('attempt-result').waitFor();
    expect(await page.getByTestId('attempt-result').innerText()).toMatch(/Réussi : 2 \/ 2 \(100\s%\)/);
    found.push(...(await englishOn('quiz')));
    await page.getByRole('link', { name: 'Mon apprentissage' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mon apprentissage' }).waitFor();
    await expect.poll(dueText).toContain('Essay');
    found.push(...(await englishOn('mon apprentissage')));
    await page.getByTestId('sync-indicator').getByRole('button').click();
    found.push(...(await englishOn('synchronisation')));
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'Préférences' }).click();
    await page.getByRole('heading', { level: 1, name: 'Préférences' }).waitFor();
    found.push(...(await englishOn('préférences')));
    expect(found).toEqual([]);
  });

  it('shows due dates in Asia/Tokyo once chosen, and UTC stays in the list', async () => {
    await page.getByRole('link', { name: 'Préférences' }).click();
    await page.getByRole('heading', { level: 1, name: 'Préférences' }).waitFor();
    await page.getByRole('searchbox', { name: 'Rechercher un fuseau horaire' }).fill('tokyo');
    await page.getByText('1 fuseau horaire correspond').waitFor();
    await expectNoSeriousA11yViolations(page, 'préférences, fuseau horaire filtré');
    await timeZoneSelect().selectOption('Asia/Tokyo');
    await page.getByRole('button', { name: 'Enregistrer les préférences' }).click();
    await page.getByText('Enregistré.', { exact: false }).waitFor();
    expect(core.learning.preferences().timezone).toBe('Asia/Tokyo');

    await page.getByRole('searchbox', { name: 'Rechercher un fuseau horaire' }).fill('');
    const zones = await timeZoneSelect()
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(zones).toContain('UTC');
    expect(zones).toContain('Asia/Tokyo');
    expect(zones).toContain('Europe/Paris');
    expect(await timeZoneSelect().inputValue()).toBe('Asia/Tokyo');

    await page.getByRole('link', { name: 'Mon apprentissage' }).click();
    const tokyo = await dueAs('fr', 'Asia/Tokyo');
    expect(tokyo).not.toBe(await dueAs('fr', 'UTC'));
    expect(tokyo).toContain('3 mars 2031');
    await expect.poll(dueText).toContain(`Essay : à rendre le ${tokyo}`);
    await shot(page, 'prefs-02-tokyo');

    // And back to UTC: the list still offers it, the date follows.
    await page.getByRole('link', { name: 'Préférences' }).click();
    await timeZoneSelect().selectOption('UTC');
    await page.getByRole('button', { name: 'Enregistrer les préférences' }).click();
    await page.getByText('Enregistré.', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'Mon apprentissage' }).click();
    await expect.poll(dueText).toContain(await dueAs('fr', 'UTC'));
  });

  it('switches to Spanish just as well', async () => {
    await page.getByRole('link', { name: 'Préférences' }).click();
    await page.getByRole('combobox', { name: 'Langue' }).selectOption({ label: 'Español' });
    await page.getByRole('button', { name: 'Enregistrer les préférences' }).click();
    await page.getByRole('heading', { level: 1, name: 'Preferencias' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');
    const found = await englishOn('preferencias');
    await page.getByRole('link', { name: 'Mi aprendizaje' }).click();
    await expect.poll(dueText).toContain(`Essay: entrega el ${await dueAs('es', 'UTC')}`);
    found.push(...(await englishOn('mi aprendizaje')));
    await page.getByRole('link', { name: 'Catálogo' }).click();
    await page.getByRole('heading', { level: 1, name: 'Catálogo de cursos' }).waitFor();
    await page.getByRole('heading', { name: '1 curso', exact: true }).waitFor();
    found.push(...(await englishOn('catálogo')));
    expect(found).toEqual([]);
    // Back to French for the rest.
    await page.getByRole('link', { name: 'Preferencias' }).click();
    await page.getByRole('combobox', { name: 'Idioma' }).selectOption({ label: 'Français' });
    await page.getByRole('button', { name: 'Guardar preferencias' }).click();
    await page.getByRole('heading', { level: 1, name: 'Préférences' }).waitFor();
  });

  it('offers no notification settings while no notification channel delivers', async () => {
    await page.getByRole('link', { name: 'Préférences' }).click();
    await page.getByRole('button', { name: 'Enregistrer les préférences' }).waitFor();
    expect(await page.getByTestId('notification-settings').count()).toBe(0);
    // The only checkbox left is the device's download setting: none for a notification topic or channel.
    const checkboxes = await page
      .getByRole('checkbox')
      .evaluateAll((els) =>
        els.map((e) => e.getAttribute('aria-label') ?? e.closest('label')?.textContent ?? ''),
      );
    expect(
      checkboxes.filter((n) => /Mises à jour des cours|Échéances|Annonces|application|push|e-mail/i.test(n)),
    ).toEqual([]);
    expect(await page.getByText(/Notifications|E-mail|Push/).count()).toBe(0);
    // The stored choices are kept for the notifications work.
    expect(core.learning.preferences().notifications.deadlines).toEqual({
      in_app: true,
      push: true,
      email: true,
    });
  });

  it('signed out, the sign-in screen follows the language picked on it; signing in brings the account’s back', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Sign in to Lyceum' }).waitFor();
    await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Español' });
    await page.getByRole('heading', { name: 'Inicia sesión en Lyceum' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');
    await page.reload();
    await page.getByRole('heading', { name: 'Inicia sesión en Lyceum' }).waitFor();
    await page.getByLabel('Correo electrónico').fill(student.email);
    await page.getByLabel('Contraseña').fill(student.password);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    // The account says French (back on the screen the student signed out from).
    await page.getByRole('heading', { level: 1, name: 'Préférences' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
  });
});
