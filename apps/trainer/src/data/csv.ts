import { DataFormatError, type Dataset } from './dataset.js';
import { readDataFile } from './read-file.js';

export interface CsvOptions {
  /** Label column: 0-based index (negative counts from the end) or header name. Default: the last column. */
  readonly labelColumn?: number | string;
  /** Whether the first row is a header; 'auto' treats it as one when any of its feature cells is non-numeric. */
  readonly header?: boolean | 'auto';
  /** Field separator; 'auto' picks the first of , ; tab that occurs in the first line, else whitespace. */
  readonly delimiter?: string | 'auto';
}

/**
 * UCI-style tabular data (seed 001 §5: Avila, Banknote, Cardiotocography, Sensorless Drive): numeric feature
 * columns plus one label column of any values, mapped to classes 0..K−1 in sorted order (numerically when all
 * labels are numbers). Features are returned raw; pass the result to standardizeChannels for z-scores.
 */
export function parseCsv(text: string, path: string, options: CsvOptions = {}): Dataset {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
  if (lines.length === 0) throw new DataFormatError(path, 'no data rows');
  const delimiter = resolveDelimiter(lines[0], options.delimiter ?? 'auto');
  const split = (line: string) =>
    (delimiter === 'whitespace' ? line.trim().split(/\s+/) : line.split(delimiter)).map((cell) =>
      cell.trim(),
    );
  const firstRow = split(lines[0]);
  const width = firstRow.length;
  if (width < 2) throw new DataFormatError(path, 'need at least one feature column and one label column');
  const headerOption = options.header ?? 'auto';
  const provisionalLabel = resolveLabelColumn(options.labelColumn, width, firstRow, path);
  const hasHeader =
    headerOption === 'auto'
      ? firstRow.some((cell, i) => i !== provisionalLabel && !isNumeric(cell)) ||
        typeof options.labelColumn === 'string'
      : headerOption;
  const header = hasHeader ? firstRow : null;
  const labelColumn = resolveLabelColumn(options.labelColumn, width, header, path);
  const rows = (hasHeader ? lines.slice(1) : lines).map(split);
  if (rows.length === 0) throw new DataFormatError(path, 'header but no data rows');
  const count = rows.length;
  const features = new Float32Array(count * (width - 1));
  const rawLabels: string[] = [];
  rows.forEach((cells, r) => {
    const lineNumber = r + 1 + (hasHeader ? 1 : 0);
    if (cells.length !== width) {
      throw new DataFormatError(path, `row ${lineNumber} has ${cells.length} fields, expected ${width}`);
    }
    let f = 0;
    cells.forEach((cell, c) => {
      if (c === labelColumn) {
        rawLabels.push(cell);
        return;
      }
      if (!isNumeric(cell))
        throw new DataFormatError(path, `row ${lineNumber}, column ${c + 1}: '${cell}' is not a number`);
      features[r * (width - 1) + f] = Number(cell);
      f += 1;
    });
  });
  const classes = [...new Set(rawLabels)];
  if (classes.every(isNumeric)) classes.sort((a, b) => Number(a) - Number(b));
  else classes.sort();
  const classIndex = new Map(classes.map((name, i) => [name, i]));
  return {
    name: path,
    features,
    labels: Int32Array.from(rawLabels, (label) => classIndex.get(label) ?? 0),
    count,
    featureShape: [width - 1],
    numClasses: classes.length,
  };
}

/** Reads and parses a CSV file (see parseCsv). */
export function loadCsv(path: string, options: CsvOptions = {}): Dataset {
  return parseCsv(readDataFile(path).toString('utf8'), path, options);
}

function isNumeric(cell: string): boolean {
  return cell !== '' && Number.isFinite(Number(cell));
}

function resolveDelimiter(firstLine: string, option: string): string {
  if (option !== 'auto') return option;
  for (const candidate of [',', ';', '\t']) if (firstLine.includes(candidate)) return candidate;
  return 'whitespace';
}

function resolveLabelColumn(
  option: number | string | undefined,
  width: number,
  header: readonly string[] | null,
  path: string,
): number {
  if (option === undefined) return width - 1;
  if (typeof option === 'number') {
    const index = option < 0 ? width + option : option;
    if (index < 0 || index >= width)
      throw new DataFormatError(path, `label column ${option} out of range (${width} columns)`);
    return index;
  }
  const index = header?.indexOf(option) ?? -1;
  if (index < 0) throw new DataFormatError(path, `no column named '${option}' in the header`);
  return index;
}
