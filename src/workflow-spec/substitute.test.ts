import { describe, expect, it } from 'vitest';
import { compileTemplate, placeholderNames } from './substitute.js';

const idx = new Map([
  ['i', 0],
  ['lr', 1],
  ['name', 2],
]);
const render = (text: string, values: Array<string | number> = [7, 0.001, 'adam']) =>
  compileTemplate(text, idx)(values);

describe('compileTemplate', () => {
  it('substitutes plain placeholders', () => {
    expect(render('job_{i}_{name}_{lr}')).toBe('job_7_adam_0.001');
  });

  it('supports the Python format subset', () => {
    expect(render('{i:03d}')).toBe('007');
    expect(render('{lr:.4f}')).toBe('0.0010');
    expect(render('{i:5d}|')).toBe('    7|');
    expect(render('{name:>6s}|{name:<6}|{name:^8}|')).toBe('  adam|adam  |  adam  |');
    expect(render('{name:s}')).toBe('adam');
    expect(render('{i:03d}', [-5, 0, ''])).toBe('-05');
    expect(render('{lr:08.3f}', [0, 3.14159, ''])).toBe('0003.142');
  });

  it('leaves shell braces alone but substitutes inside ${...}', () => {
    expect(render('echo ${HOME} ${i}')).toBe('echo ${HOME} ${i}');
    expect(render('${files.output.out_{i:03d}}')).toBe('${files.output.out_007}');
    expect(render("awk '{ print $1 }' x{2,3}")).toBe("awk '{ print $1 }' x{2,3}");
  });

  it('rejects an unknown parameter and an unsupported format', () => {
    expect(() => compileTemplate('run {j}', idx)).toThrow(/\{j\} names no parameter/);
    expect(() => compileTemplate('{i:x}', idx)).toThrow(/unsupported format/);
  });

  it('rejects d on a non-integer and f on a string at render time', () => {
    expect(() => render('{lr:d}')).toThrow(/not an integer/);
    expect(() => render('{name:.2f}')).toThrow(/not a number/);
  });
});

describe('literal braces', () => {
  it('renders {{ and }} as single braces and leaves ${…} alone', () => {
    const t = compileTemplate("awk '{{print $1}}' in_{i}.txt ${HOME} {{i}}", new Map([['i', 0]]));
    expect(t([7])).toBe("awk '{print $1}' in_7.txt ${HOME} {i}");
    expect(compileTemplate('a {{b}}', new Map([['i', 0]]))([1])).toBe('a {b}');
    expect(placeholderNames('x_{i}_{{j}}_{k:02d}_{i}')).toEqual(['i', 'k']);
  });
});
