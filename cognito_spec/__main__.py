from cognito_spec.cli import main

raise SystemExit(main())
