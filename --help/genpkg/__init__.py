"""Generated package of 50 modules."""
from .mod_00 import report0
from .mod_01 import report1
from .mod_02 import report2
from .mod_03 import report3
from .mod_04 import report4
from .mod_05 import report5
from .mod_06 import report6
from .mod_07 import report7
from .mod_08 import report8
from .mod_09 import report9
from .mod_10 import report10
from .mod_11 import report11
from .mod_12 import report12
from .mod_13 import report13
from .mod_14 import report14
from .mod_15 import report15
from .mod_16 import report16
from .mod_17 import report17
from .mod_18 import report18
from .mod_19 import report19
from .mod_20 import report20
from .mod_21 import report21
from .mod_22 import report22
from .mod_23 import report23
from .mod_24 import report24
from .mod_25 import report25
from .mod_26 import report26
from .mod_27 import report27
from .mod_28 import report28
from .mod_29 import report29
from .mod_30 import report30
from .mod_31 import report31
from .mod_32 import report32
from .mod_33 import report33
from .mod_34 import report34
from .mod_35 import report35
from .mod_36 import report36
from .mod_37 import report37
from .mod_38 import report38
from .mod_39 import report39
from .mod_40 import report40
from .mod_41 import report41
from .mod_42 import report42
from .mod_43 import report43
from .mod_44 import report44
from .mod_45 import report45
from .mod_46 import report46
from .mod_47 import report47
from .mod_48 import report48
from .mod_49 import report49


def main() -> None:
    print(report0())
    print(report1())
    print(report2())
    print(report3())
    print(report4())
    print(report5())
    print(report6())
    print(report7())
    print(report8())
    print(report9())
    print(report10())
    print(report11())
    print(report12())
    print(report13())
    print(report14())
    print(report15())
    print(report16())
    print(report17())
    print(report18())
    print(report19())
    print(report20())
    print(report21())
    print(report22())
    print(report23())
    print(report24())
    print(report25())
    print(report26())
    print(report27())
    print(report28())
    print(report29())
    print(report30())
    print(report31())
    print(report32())
    print(report33())
    print(report34())
    print(report35())
    print(report36())
    print(report37())
    print(report38())
    print(report39())
    print(report40())
    print(report41())
    print(report42())
    print(report43())
    print(report44())
    print(report45())
    print(report46())
    print(report47())
    print(report48())
    print(report49())
