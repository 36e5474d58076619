/** A problem found while importing a file, reported by line (1-based, header included). */
export interface ImportIssue {
  file: string;
  line: number;
  message: string;
}

/** Collects issues, storing at most `cap` of them but counting all. */
export class IssueLog {
  readonly issues: ImportIssue[] = [];
  count = 0;
  constructor(readonly cap = 100) {}
  add(file: string, line: number, message: string): void {
    this.count++;
    if (this.issues.length < this.cap) this.issues.push({ file, line, message });
  }
}
