import GradsweepCLI

Gradsweep.main()
