/**
 * Shell words in both directions: quoting what a provider interpolates into a script or a
 * command line a person may copy (`describe`), and splitting a user's raw argument string
 * (a Slurm scheduler's `extra`) to read the options in it.
 */

const PLAIN = /^[A-Za-z0-9_\-.,/:=@%+]+$/;

/** `value` as one POSIX shell word: unchanged when it holds nothing the shell reads, else single-quoted. */
export function shellQuote(value: string): string {
  if (PLAIN.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quote each word and join them with spaces. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

/**
 * Split a command-line string into words as a POSIX shell would, without expansions:
 * whitespace separates, single quotes keep everything, double quotes keep all but `\"` and
 * `\\`, a backslash outside quotes escapes the next character.
 * @returns undefined when a quote is not closed
 */
export function splitShellWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\' && i + 1 < text.length) word += text[++i];
      else word += c;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words;
}
