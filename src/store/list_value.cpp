// Placeholder until the list family lands (issue 9).
