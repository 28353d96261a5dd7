// `tally help exit-codes` and `tally help environment`: SPEC §6 and §3, for users.

export const HELP_TOPICS: Record<string, string> = {
  'exit-codes': `Exit codes

  0    success; reconciliation clean; balance at or above --min, runway at least --min-days
  1    a check failed: discrepancies found by reconcile, or a balance below --min or a runway
       shorter than --min-days (or a profile's own min or minDays)
  2    usage or local error: unknown command or flag, bad value, bad or missing configuration,
       a file or standard output that cannot be written (disk full, unwritable)
  3    the provider refused the key (401) or its permissions (403)
  4    the provider failed: network error, timeout, 5xx after retries, a response of the wrong shape
  5    the provider does not offer this command
  70   an internal error: a bug in tally (run again with --verbose and report it)
  130  interrupted (Ctrl-C, SIGINT); no partial output, temp or spool file is left
  143  terminated (SIGTERM); the same clean-up
  129  hung up (SIGHUP); the same clean-up

When profiles fail in different ways under --all (balance, reconcile, statement, ledger export, with
or without --keep-going), one code stands for them all, in this order: 70, then 2, 3, 5 (what only you
can fix), then 4 (what may pass), then 1 (a check that ran and failed).

Example, from cron:
  tally reconcile --checkpoint -q || echo "reconcile failed with exit $?"
  tally balance --all -q; case $? in 0) ;; 1) echo "top up soon" ;; 3) echo "a key was refused" ;; *) echo "check failed" ;; esac
`,
  environment: `Environment

  TALLY_PROFILE      the profile to use (--profile overrides it)
  TALLY_PROVIDER     provider id, with no profile needed (--provider overrides it)
  TALLY_BASE_URL     the provider's base URL (--base-url overrides it)
  TALLY_API_KEY      the key; overrides the profile's. Never passed on the command line.
  TALLY_CONFIG_DIR   where config.json and checkpoints/ live (default ~/.config/tally on Linux)
  NO_COLOR           no colour, unless FORCE_COLOR is set too
  FORCE_COLOR        colour even off a terminal (a piped table keeps its tabs), over NO_COLOR;
                     FORCE_COLOR=0 turns it off, and --no-color beats them all
  CLICOLOR=0         no colour; CLICOLOR_FORCE=1 colour even off a terminal (NO_COLOR wins over it)
  COLUMNS            the width tables fit in on a terminal
  HTTPS_PROXY        proxy for https:// requests (HTTP_PROXY for http://; lowercase forms first)
  NO_PROXY           hosts reached directly: example.com, .corp.example, 127.0.0.1:4010, or *

Precedence: flags > environment > profile > defaults. With TALLY_PROVIDER and TALLY_API_KEY set,
tally needs no config file at all:
  TALLY_PROVIDER=bytespike TALLY_API_KEY=... tally balance --json
`,
};

/** The topics `tally help` knows beside the commands (`options` is drawn from the program's own flags). */
export const HELP_TOPIC_NAMES: readonly string[] = ['options', ...Object.keys(HELP_TOPICS)];
