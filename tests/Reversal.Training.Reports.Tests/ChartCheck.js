// Appended to a copy of report.html by HtmlReportBrowserTests: after load, draws every chart's SVG onto a canvas and
// writes, per chart, its laid-out size, its count of SVG shapes and its count of non-white pixels into <pre id=chart-check>.
window.addEventListener('load', async () => {
  const results = [];
  for (const figure of document.querySelectorAll('figure.chart')) {
    const svg = figure.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const shapes = svg ? svg.querySelectorAll('path,rect,line,polyline,polygon,circle,text').length : 0;
    let inked = -1;
    if (svg && box.width > 0 && box.height > 0) {
      try {
        const xml = new XMLSerializer().serializeToString(svg);
        const image = new Image();
        await new Promise((resolve, reject) => {
          image.onload = resolve;
          image.onerror = reject;
          image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(xml);
        });
        const canvas = document.createElement('canvas');
        canvas.width = Math.round(box.width);
        canvas.height = Math.round(box.height);
        const context = canvas.getContext('2d');
        context.fillStyle = '#fff';
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0);
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        inked = 0;
        for (let i = 0; i < pixels.length; i += 4)
          if (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200) inked++;
      } catch (error) {
        inked = -2;
      }
    }
    results.push({ id: figure.id, width: box.width, height: box.height, shapes, inked });
  }
  const output = document.createElement('pre');
  output.id = 'chart-check';
  output.textContent = JSON.stringify(results);
  document.body.appendChild(output);
});
