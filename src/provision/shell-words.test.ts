import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote, splitShellWords } from './shell-words.js';

describe('shellQuote', () => {
  it('leaves plain words alone', () => {
    expect(shellQuote('/opt/jobgraph/bin/jobgraph.js')).toBe('/opt/jobgraph/bin/jobgraph.js');
    expect(shellQuote('--api=http://h:8080')).toBe('--api=http://h:8080');
  });

  it.each(["it's", 'a b', '$HOME', '`id`', 'x;rm -rf /', '', 'tab\there', 'new\nline', '"q"'])(
    'the shell reads %j back unchanged',
    (value) => {
      const echoed = execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(value)}`]).toString();
      expect(echoed).toBe(value);
    },
  );

  it('joins words', () => expect(shellJoin(['echo', 'a b', 'c'])).toBe("echo 'a b' c"));
});

describe('splitShellWords', () => {
  it.each([
    ['--exclusive -c 4', ['--exclusive', '-c', '4']],
    ['  --constraint="cpu gen2"  --comment=\'x y\' ', ['--constraint=cpu gen2', '--comment=x y']],
    ['a\\ b "q\\"uote"', ['a b', 'q"uote']],
    ['', []],
    ['""', ['']],
  ])('%j → %j', (text, words) => expect(splitShellWords(text)).toEqual(words));

  it('refuses an unclosed quote', () => expect(splitShellWords('--comment="open')).toBeUndefined());

  it('splits what shellJoin wrote into the same words', () => {
    const words = ["it's", 'a b', '$x', 'plain'];
    expect(splitShellWords(shellJoin(words))).toEqual(words);
  });
});
