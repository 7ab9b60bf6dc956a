// App setup records: what the store keeps of a POST /app-setups while it runs and after.

export type AppSetupStatus = 'pending' | 'failed' | 'succeeded';

export interface AppSetup {
  id: string;
  accountId: string;
  /** Set once the setup created its app. */
  appId: string | null;
  appName: string | null;
  status: AppSetupStatus;
  failureMessage: string | null;
  buildId: string | null;
  /** app.json problems, one line each (`env.SECRET.generator: …`). */
  manifestErrors: string[];
  postdeploy: { output: string; exitCode: number } | null;
  resolvedSuccessUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a running setup records as it goes; only the fields given change. */
export type AppSetupProgress = Partial<Pick<AppSetup, 'appId' | 'appName' | 'status' | 'failureMessage' | 'buildId' | 'manifestErrors' | 'postdeploy' | 'resolvedSuccessUrl'>>;

export interface AppSetupRepository {
  create(accountId: string): Promise<AppSetup>;
  find(id: string): Promise<AppSetup | undefined>;
  /** Records progress; a setup that already ended (failed or succeeded) is left as it is. */
  update(id: string, progress: AppSetupProgress): Promise<AppSetup | undefined>;
  /** Marks every pending setup failed with `message` (on start-up: the control plane that ran them is gone); returns their ids. */
  failPending(message: string): Promise<string[]>;
}
