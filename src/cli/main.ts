// The `berth` command.
import { readSettings, SettingsError } from '../config/settings.ts';
import { startBerth } from '../main.ts';

const USAGE = `usage: berth server [--port 4566] [--host 127.0.0.1] [--data-dir ./.berth] [--strict-auth]
                    [--account-id 123456789012] [--region us-east-1]
Every option can also be set as an environment variable: BERTH_PORT, BERTH_HOST, BERTH_DATA_DIR,
BERTH_STRICT_AUTH, BERTH_ACCOUNT_ID, BERTH_REGION, BERTH_ROOT_ACCESS_KEY_ID, BERTH_ROOT_SECRET_ACCESS_KEY.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'server') {
    console.error(USAGE);
    return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
  let settings;
  try {
    settings = readSettings(rest, process.env);
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(`berth: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const berth = await startBerth(settings);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      berth.stop().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
