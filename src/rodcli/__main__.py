from rodcli.cli import main

main()
