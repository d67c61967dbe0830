/**
 * Structured server log: one line per event, as `text` (for people) or `json` (for log collectors), chosen with
 * `--log-format`. Writes to an injected sink so tests and the TUI can capture it.
 */
import { UNPRINTABLE, escapeUnprintable } from '../util/unprintable.js';

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
        write(`${jsonEscapeUnprintable(JSON.stringify({ ...fields, time, level, event }))}\n`);
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
  return /^[\w.:/@+-]+$/.test(text) ? text : escapeUnprintable(JSON.stringify(text));
}

/**
 * What JSON.stringify leaves raw (C1 controls, bidi overrides, invisible characters) as \u escapes, still valid JSON:
 * a client's text read in a terminal or journalctl must not reorder or hide the line around it.
 */
function jsonEscapeUnprintable(json: string): string {
  return json.replace(UNPRINTABLE, (ch) => {
    let escaped = '';
    for (let i = 0; i < ch.length; i++) escaped += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`; // UTF-16 units, as JSON has them
    return escaped;
  });
}

export const SILENT_LOGGER: Logger = { log() {} };
