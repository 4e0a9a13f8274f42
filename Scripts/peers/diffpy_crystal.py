"""One attenuated-crystal refinement with diffpy-cmi, as in the reference table
(../shared/reference/diffpy-cmi-CdSe-nanoparticles.md): periodic PDFGenerator x sphericalCF,
constrainAsSpaceGroup, one Uiso per element; r 0.5-40 A, dr 0.01, Qmin 1, Qmax 19, qdamp 0.058,
qbroad 0; start scale 0.1, psize 40 A, Uiso 0.01 A^2, delta2 5 A^2, the CIF's cell; scipy
least_squares after freeing, in turn (cumulatively), scale, psize, the cell, the ADPs, delta2, then
everything (the free coordinates too). Prints Rw, the time of the refinement (set-up excluded) and the refined values.
Usage: diffpy_crystal.py DATA_DIR CURVE CIF SPACEGROUP"""
import sys
import time
import warnings

warnings.filterwarnings("ignore")
from scipy.optimize import least_squares
from diffpy.structure import loadStructure
from diffpy.srfit.fitbase import FitContribution, FitRecipe, FitResults, Profile
from diffpy.srfit.pdf import PDFGenerator, PDFParser
from diffpy.srfit.pdf.characteristicfunctions import sphericalCF
from diffpy.srfit.structure import constrainAsSpaceGroup

directory, name, cif, group = sys.argv[1:5]
profile = Profile()
parser = PDFParser()
parser.parseFile(f"{directory}/{name}.gr")
profile.loadParsedData(parser)
profile.setCalculationRange(xmin=0.5, xmax=40, dx=0.01)
generator = PDFGenerator("G")
generator.setStructure(loadStructure(f"{directory}/{cif}"), periodic=True)
generator.setQmax(19.0)
generator.setQmin(1.0)
generator.qdamp.value = 0.058
generator.qbroad.value = 0.0
contribution = FitContribution("np")
contribution.addProfileGenerator(generator)
contribution.setProfile(profile, xname="r")
contribution.registerFunction(sphericalCF, name="f", argnames=["r", "psize"])
contribution.setEquation("scale * G * f")
recipe = FitRecipe()
recipe.clearFitHooks()
recipe.addContribution(contribution)
recipe.addVar(contribution.scale, 0.1, tag="scale")
recipe.addVar(contribution.psize, 40.0, tag="psize")
constraints = constrainAsSpaceGroup(generator.phase, group)
for p in constraints.latpars:
    recipe.addVar(p, tag="lat")
for p in constraints.xyzpars:
    recipe.addVar(p, tag="xyz")
uiso = {e: recipe.newVar(f"Uiso_{e}", 0.01, tag="adp") for e in ("Cd", "Se")}
for atom in generator.phase.getScatterers():
    recipe.constrain(atom.Uiso, uiso["Cd" if atom.element.startswith("Cd") else "Se"])
recipe.addVar(generator.delta2, 5.0, tag="d2")

start = time.perf_counter()
recipe.fix("all")
for tag in ("scale", "psize", "lat", "adp", "d2", "all"):
    recipe.free(tag)
    least_squares(recipe.residual, recipe.values, x_scale="jac")
elapsed = time.perf_counter() - start
values = " ".join(f"{n}={v:.5g}" for n, v in zip(recipe.names, recipe.values))
print(f"{name} {group}: Rw {FitResults(recipe).rw:.4f}, {elapsed:.2f} s; {values}", flush=True)
