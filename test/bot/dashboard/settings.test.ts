import { describe, expect, it } from 'vitest';
import { dashboardSettings } from '../../../bot/dashboard/settings.ts';

const CLIENT = { GITHUB_CLIENT_ID: 'Iv1.abc', GITHUB_CLIENT_SECRET: 'shh', WEBHOOK_SECRET: 'hook' };

describe('the bot dashboard’s settings from the environment', () => {
  it('is off, saying which variables to set, without the app’s OAuth client', () => {
    const off =
      "/dashboard is off; set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the app's OAuth client) to serve it";
    expect(dashboardSettings({ WEBHOOK_SECRET: 'hook' })).toBe(off);
    expect(dashboardSettings({ GITHUB_CLIENT_ID: 'Iv1.abc', GITHUB_CLIENT_SECRET: '' })).toBe(off);
  });

  it('signs with TRANCHE_DASHBOARD_SECRET, else the webhook secret, and needs one of them', () => {
    expect(dashboardSettings(CLIENT)).toEqual({
      clientId: 'Iv1.abc',
      clientSecret: 'shh',
      sessionSecret: 'hook',
      publicOrigin: undefined,
      apiUrl: undefined,
    });
    expect(dashboardSettings({ ...CLIENT, TRANCHE_DASHBOARD_SECRET: 'own' })).toMatchObject({
      sessionSecret: 'own',
    });
    expect(dashboardSettings({ ...CLIENT, WEBHOOK_SECRET: '' })).toBe(
      '/dashboard is off; set TRANCHE_DASHBOARD_SECRET to sign its sessions',
    );
  });

  it('takes the public origin from TRANCHE_BOT_URL and GitHub Enterprise from GHE_HOST', () => {
    expect(
      dashboardSettings({
        ...CLIENT,
        TRANCHE_BOT_URL: 'https://bot.example.com/some/path',
        GHE_HOST: 'ghe.example.com',
      }),
    ).toMatchObject({ publicOrigin: 'https://bot.example.com', apiUrl: 'https://ghe.example.com/api/v3' });
    expect(dashboardSettings({ ...CLIENT, TRANCHE_BOT_URL: 'bot.example.com' })).toBe(
      '/dashboard is off; TRANCHE_BOT_URL is not an http(s) URL',
    );
  });
});
