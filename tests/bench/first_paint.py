"""Code shared by the start-up benchmarks' child processes.

``FIRST_PAINT`` defines ``watch``: an event filter that records the wall-clock time of the
first Paint event of the widget it is installed on, then quits the application. A child
installs it on the widget whose first paint counts and prints ``watch.t`` at the end.
"""

FIRST_PAINT = r"""
import sys
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "t"):
            self.t = time.time()
            self.loaded = set(sys.modules)  # what was imported by the first paint
            QTimer.singleShot(0, QApplication.instance().quit)
        return False

watch = FirstPaint()
"""

# The baseline window of the document benchmarks: a bare PySide6 + PyMuPDF program showing page 1
# of the PDF named in argv[1] in a QLabel (``label``, not yet shown), inside ``app``.
BARE_PAGE = r"""
import sys
import pymupdf
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
doc = pymupdf.open(sys.argv[1])
pix = doc[0].get_pixmap(dpi=96)
image = QImage(pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888)
label = QLabel()
label.setPixmap(QPixmap.fromImage(image))
"""
