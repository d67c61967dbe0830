/**
 * Structured server log: one line per event, as `text` (for people) or `json` (for log collectors), chosen with
 * `--log-format`. Writes to an injected sink so tests and the TUI can capture it.
 */
export type LogFormat = 'text' | 'json';
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

export function createLogger(format: LogFormat, write: (line: string) => void, now: () => Date = () => new Date()): Logger {
  return {
    log(level, event, fields = {}) {
      const time = now().toISOString();
      if (format === 'json') {
        // Fields first: a field named time, level or event must not overwrite the real ones.
        write(`${JSON.stringify({ ...fields, time, level, event })}\n`);
        return;
      }
      const parts = Object.entries(fields)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${formatTextValue(value!)}`);
      write(`${time} ${level.toUpperCase().padEnd(5)} ${event}${parts.length ? ' ' + parts.join(' ') : ''}\n`);
    },
  };
}

function formatTextValue(value: string | number | boolean): string {
  const text = String(value);
  return /^[\w.:/@+-]+$/.test(text) ? text : JSON.stringify(text);
}

export const SILENT_LOGGER: Logger = { log() {} };
