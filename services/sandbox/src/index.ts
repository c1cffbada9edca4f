/** The sandbox: a local Bot API for both bots plus a web chat UI (see README, "Sandbox"). */
export {};
