"""Books out and keyed entries in: export per the Ministry of Justice's guidance (a spreadsheet with a row per
entry and a PDF per entry; CSV; JSON Lines) and import of entries keyed earlier in such a spreadsheet."""
