"""The reviewer's work on the library: the open data folder (`workspace`), a release as
the reviewer sees it (`view`: extraction plus corrections, aliases and notes), and the
operations that change it (`operations`, each written to the review store at once)."""
