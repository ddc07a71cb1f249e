from workbook_tools.cli import main

raise SystemExit(main())
