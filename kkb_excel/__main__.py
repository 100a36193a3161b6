from kkb_excel.cli import main

main()
