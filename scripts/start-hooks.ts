// Work `npm start` does after seeding and before serving (the model pipeline plugs in here).
export async function afterSeed(log: (line: string) => void): Promise<void> {
  void log;
}

export async function beforeExit(): Promise<void> {}
