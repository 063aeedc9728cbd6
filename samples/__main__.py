import sys

from samples.cli import main

sys.exit(main())
