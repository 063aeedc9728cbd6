"""People across records: suggested links between birth, marriage and death records, and officers' decisions."""
