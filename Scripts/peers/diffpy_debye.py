"""A diffpy-cmi DebyePDFGenerator fit of one cluster (XYZ) against a measured G(r): scale, zoom (the
cell of a unit cubic lattice), one Uiso per element and delta2 free; Qmin 1, Qmax 19, qdamp 0.058,
r 0.5-40 A, dr 0.01 (the classification's settings for the measured CdSe curves); scipy
least_squares from scale 0.1, zoom 1, Uiso 0.01 A^2, delta2 2 A^2. Prints Rw, the time of the fit
(set-up excluded) and the function and Jacobian evaluations.
Usage: diffpy_debye.py CLUSTER.xyz DATA.gr"""
import sys
import time
import warnings

warnings.filterwarnings("ignore")
from scipy.optimize import least_squares
from diffpy.structure import Atom, Lattice, Structure
from diffpy.srfit.fitbase import FitContribution, FitRecipe, FitResults, Profile
from diffpy.srfit.pdf import DebyePDFGenerator, PDFParser

path, data = sys.argv[1:3]
lines = open(path).read().split("\n")
count = int(lines[0])
rows = [line.split() for line in lines[2:2 + count]]
structure = Structure([Atom(a[0], [float(a[1]), float(a[2]), float(a[3])]) for a in rows],
                      lattice=Lattice(1, 1, 1, 90, 90, 90))
profile = Profile()
parser = PDFParser()
parser.parseFile(data)
profile.loadParsedData(parser)
profile.setCalculationRange(xmin=0.5, xmax=40, dx=0.01)
generator = DebyePDFGenerator("G")
generator.setStructure(structure, periodic=False)
generator.setQmax(19.0)
generator.setQmin(1.0)
generator.qdamp.value = 0.058
contribution = FitContribution("cluster")
contribution.addProfileGenerator(generator)
contribution.setProfile(profile, xname="r")
contribution.setEquation("scale * G")
recipe = FitRecipe()
recipe.clearFitHooks()
recipe.addContribution(contribution)
recipe.addVar(contribution.scale, 0.1)
lattice = generator.phase.getLattice()
zoom = recipe.newVar("zoom", 1.0)
for p in (lattice.a, lattice.b, lattice.c):
    recipe.constrain(p, zoom)
for element in sorted({a[0] for a in rows}):
    u = recipe.newVar(f"Uiso_{element}", 0.01)
    for atom in generator.phase.getScatterers():
        if atom.element == element:
            recipe.constrain(atom.Uiso, u)
recipe.addVar(generator.delta2, 2.0)
start = time.perf_counter()
result = least_squares(recipe.residual, recipe.values, x_scale="jac")
elapsed = time.perf_counter() - start
values = " ".join(f"{n}={v:.4g}" for n, v in zip(recipe.names, recipe.values))
print(f"{path.split('/')[-1]} ({count} atoms): Rw {FitResults(recipe).rw:.4f}, {elapsed:.2f} s, "
      f"{result.nfev} evaluations + {result.njev} Jacobians; {values}", flush=True)
